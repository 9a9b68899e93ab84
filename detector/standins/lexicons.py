"""Stand-ins for contextual privacy phrases, grouped by kind, so a diagnosis becomes another
diagnosis and a debt another debt.

Hand lists: no package ships small, plain-language lexicons like these (the Human Disease
Ontology in the shared data is for evaluation and far too clinical for chat text).
The first group of each category is the fallback when a phrase holds no known term.
"""

LEXICONS: dict[str, dict[str, tuple[str, ...]]] = {
    "HEALTH": {
        "condition": (
            "asthma", "migraine", "hypertension", "type 2 diabetes", "type 1 diabetes", "eczema",
            "psoriasis", "arthritis", "rheumatoid arthritis", "hypothyroidism", "celiac disease",
            "irritable bowel syndrome", "sleep apnea", "gout", "anemia", "glaucoma", "epilepsy",
            "lupus", "fibromyalgia", "kidney stones", "chronic bronchitis", "high cholesterol",
            "endometriosis", "sciatica", "tinnitus", "vertigo", "acid reflux", "Crohn's disease",
            "multiple sclerosis", "diabetes", "cancer", "breast cancer", "prostate cancer",
            "heart disease", "COPD", "HIV", "hepatitis C", "scoliosis", "shingles", "long COVID",
            "migraines", "alzheimer's", "alzheimers", "crohns", "lung cancer", "dementia", "a stroke",
            "a heart attack",
            "herpes", "an STD", "seizures", "a concussion", "high blood pressure", "kidney disease",
        ),
        "mental": (
            "depression", "anxiety", "generalized anxiety disorder", "PTSD", "ADHD",
            "bipolar disorder", "OCD", "insomnia", "panic attacks", "an eating disorder",
            "burnout", "social anxiety", "postpartum depression", "autism", "schizophrenia",
            "autistic", "anorexia", "bulimia", "bipolar", "dyslexia",
        ),
        "medication": (
            "metformin", "lisinopril", "atorvastatin", "levothyroxine", "sertraline",
            "omeprazole", "amlodipine", "albuterol", "prednisone", "gabapentin", "escitalopram",
            "fluoxetine", "insulin", "losartan", "adderall", "lithium", "methotrexate",
            "zoloft", "prozac", "xanax", "lexapro", "wellbutrin", "HRT", "methadone", "suboxone",
            "antidepressants", "antipsychotics", "blood thinners", "birth control", "chemo",
            "ozempic", "testosterone", "sleeping pills",
        ),
        "procedure": (
            "knee surgery", "an appendectomy", "chemotherapy", "physical therapy",
            "a colonoscopy", "dialysis", "a hip replacement", "an MRI", "a biopsy", "IVF",
            "back surgery", "radiation therapy", "a C-section",
        ),
        "reproductive": ("pregnant", "a miscarriage", "infertility", "an abortion", "menopause"),
        "addiction": ("alcoholism", "opioid addiction", "a gambling addiction", "a drinking problem",
                      "a heroin addiction", "an addiction", "a cocaine addiction"),
    },
    "FINANCE": {
        "debt": (
            "student loans", "credit card debt", "a car loan", "a mortgage", "medical bills",
            "a payday loan", "back taxes", "a personal loan", "a second mortgage",
        ),
        "event": (
            "bankruptcy", "foreclosure", "a tax audit", "wage garnishment", "an eviction",
            "a repossession", "collections",
        ),
        "income": ("salary", "bonus", "pension", "severance", "commission", "hourly wage"),
    },
    "RELATIONSHIP": {
        "partner": (
            "husband", "wife", "boyfriend", "girlfriend", "partner", "fiancé", "fiancée",
            "spouse", "ex-husband", "ex-wife", "ex-boyfriend", "ex-girlfriend",
        ),
        "family": (
            "mother", "father", "mom", "dad", "sister", "brother", "son", "daughter", "aunt",
            "uncle", "cousin", "grandmother", "grandfather", "stepfather", "stepmother",
            "mother-in-law", "father-in-law",
        ),
        "status": ("divorced", "separated", "widowed", "engaged", "remarried"),
        "event": ("an affair", "a divorce", "a custody battle", "a breakup", "a separation"),
    },
    "WORK": {
        "title": (
            "software engineer", "data analyst", "nurse", "teacher", "accountant",
            "project manager", "sales associate", "marketing manager", "pharmacist",
            "electrician", "paralegal", "graphic designer", "HR specialist", "compliance officer",
            "customer service coordinator", "warehouse supervisor", "account manager",
            "financial analyst", "operations manager", "administrative assistant",
        ),
        "event": ("laid off", "fired", "furloughed", "demoted", "put on a performance plan",
                  "passed over for promotion"),
    },
    "BELIEF_IDENTITY": {
        "religion": (
            "Muslim", "Christian", "Catholic", "Jewish", "Hindu", "Buddhist", "Sikh", "Mormon",
            "atheist", "agnostic", "Protestant", "evangelical", "Orthodox Christian",
        ),
        "politics": (
            "Democrat", "Republican", "Libertarian", "socialist", "conservative", "liberal",
            "progressive", "Green Party member",
        ),
        "sexuality": ("gay", "lesbian", "bisexual", "asexual", "pansexual", "queer"),
        "gender": ("transgender", "non-binary", "genderfluid", "trans woman", "trans man"),
        "ethnicity": (
            "Hispanic", "Asian American", "African American", "Arab", "Native American",
            "Pacific Islander", "Latina", "Latino", "South Asian", "Kurdish",
        ),
        "immigration": (
            "undocumented", "a green card holder", "on an H-1B visa", "a refugee",
            "an asylum seeker", "on a student visa", "a permanent resident", "a DACA recipient",
        ),
    },
    "LEGAL": {
        "record": (
            "a DUI", "a shoplifting charge", "a misdemeanor", "a felony conviction", "probation",
            "a restraining order", "a lawsuit", "a custody dispute", "an arrest for possession",
            "community service", "a parole violation", "a domestic violence charge",
            "a trespassing charge", "a bench warrant", "a speeding ticket",
            "a reckless driving charge",
        ),
        "action": ("arrested", "charged", "convicted", "sued", "indicted", "detained"),
        # the bare nouns people write after "my" or "charged with" (detector/rules/legal.py)
        "matter": ("DUI", "shoplifting", "drunk driving", "trespassing", "court date",
                   "custody hearing", "eviction notice", "possession charge"),
        "sentence": ("probation", "parole", "house arrest", "community service"),
    },
}
