"""Public knowledge: names everyone knows, which identify no one when they are the topic.

- countries and their common aliases: Faker's country list, as the stand-ins read it
  (detector/standins/geo.py), plus continents and world regions (hand list below);
- well-known organisations, platforms and products, and public figures: short hand lists.
  No permissive, offline source of "well known" exists here (Wikidata is not reachable;
  spaCy and Presidio ship no such lists; Faker's company parts are made-up names), so these
  are the names chatbot prompts most often ask *about*, kept small on purpose: a name missing
  here stays protected, which is the safe side.
A name from these lists is left alone only when nothing around it ties it to a person
(detector/precision/cues.py): "I moved to Spain" and "my sister works at Google" stay protected.
"""
from __future__ import annotations

import functools

from detector.standins import geo
from detector.standins.casing import fold

# Continents and regions larger than a country (hand list).
WORLD_REGIONS = frozenset("""
africa asia europe antarctica oceania australasia eurasia americas scandinavia balkans caribbean
mediterranean arctic antarctic sahara siberia midwest
""".split()) | frozenset(line.strip() for line in """
north america
south america
latin america
central america
middle east
near east
far east
east asia
south asia
southeast asia
south east asia
south-east asia
central asia
west africa
east africa
north africa
southern africa
sub-saharan africa
western europe
eastern europe
northern europe
southern europe
central europe
arab world
global south
persian gulf
indian ocean
pacific ocean
atlantic ocean
the west
the midwest
new england
""".strip().splitlines())

# Organisations, platforms and products chatbot users ask about (hand list; see the docstring).
WELL_KNOWN_ORGS = frozenset(fold(n) for n in """
Google|Alphabet|Microsoft|Apple|Amazon|Meta|Facebook|Instagram|WhatsApp|Messenger|Twitter|X Corp|
YouTube|TikTok|ByteDance|LinkedIn|Reddit|Netflix|Spotify|Pinterest|Snapchat|Snap|Telegram|Discord|
Slack|Zoom|Skype|Teams|Quora|Tumblr|Twitch|Wikipedia|Wikimedia|Stack Overflow|StackOverflow|
GitHub|GitLab|Bitbucket|OpenAI|ChatGPT|GPT|GPT-3|GPT-3.5|GPT-4|GPT-4o|DALL-E|Whisper|Anthropic|Claude|
Gemini|Bard|Google Bard|DeepMind|Copilot|Bing|Bing Chat|Midjourney|Stable Diffusion|Stability AI|
Hugging Face|HuggingFace|Mistral|Llama|LLaMA|Perplexity|Character.AI|Baidu|Ernie|Alibaba|Tencent|
WeChat|Weibo|Huawei|Xiaomi|Samsung|Sony|LG|Nokia|Ericsson|Intel|AMD|Nvidia|NVIDIA|Qualcomm|ARM|
IBM|Oracle|SAP|Salesforce|Adobe|Cisco|Dell|HP|Lenovo|Asus|Acer|Tesla|SpaceX|Uber|Lyft|Airbnb|
Booking.com|Expedia|PayPal|Stripe|Visa|Mastercard|American Express|eBay|Etsy|Shopify|Walmart|
Target|Costco|IKEA|Starbucks|McDonald's|KFC|Burger King|Coca-Cola|Pepsi|PepsiCo|Nestle|Nestlé|
Unilever|Procter & Gamble|Nike|Adidas|Puma|Zara|H&M|Toyota|Honda|Ford|BMW|Mercedes|
Mercedes-Benz|Volkswagen|Audi|Porsche|Ferrari|Hyundai|Kia|Nissan|General Motors|Volvo|Boeing|
Airbus|Disney|Pixar|Marvel|Warner Bros|Universal|Paramount|HBO|BBC|CNN|Fox News|Reuters|
Associated Press|Bloomberg|The New York Times|New York Times|Washington Post|The Guardian|Guardian|
Forbes|The Economist|Wall Street Journal|Financial Times|Al Jazeera|Nintendo|PlayStation|Xbox|
Steam|Valve|Epic Games|Roblox|Minecraft|Fortnite|Mojang|Unity|Unreal Engine|Android|iOS|iPhone|
iPad|MacBook|Windows|Linux|Ubuntu|Debian|macOS|Chrome|Firefox|Safari|Edge|Excel|Word|PowerPoint|
Outlook|Office|Microsoft Office|Google Docs|Google Sheets|Gmail|Google Maps|Google Drive|Dropbox|
Notion|Trello|Jira|Confluence|Asana|Figma|Canva|Photoshop|Illustrator|WordPress|Wix|Squarespace|
AWS|Amazon Web Services|Azure|Google Cloud|GCP|Heroku|Vercel|Netlify|Cloudflare|DigitalOcean|
Docker|Kubernetes|Terraform|Ansible|Jenkins|Python|JavaScript|TypeScript|Java|Kotlin|Swift|
Rust|Go|Golang|Ruby|PHP|Perl|Scala|Haskell|MATLAB|React|React Native|Angular|Vue|Vue.js|Svelte|
Next.js|Node.js|NodeJS|Express|Django|Flask|FastAPI|Spring|Spring Boot|Laravel|Rails|
Ruby on Rails|.NET|ASP.NET|Flutter|TensorFlow|PyTorch|Keras|NumPy|Pandas|Jupyter|Selenium|
MySQL|PostgreSQL|Postgres|SQLite|MongoDB|Redis|Elasticsearch|Firebase|Supabase|GraphQL|Kafka|
Spark|Hadoop|Tableau|Power BI|Zapier|Node|Deno|Bun|npm|pip|Conda|Anaconda|Coursera|Udemy|edX|Khan Academy|Duolingo|
United Nations|UN|UNESCO|UNICEF|UNHCR|WHO|World Health Organization|NATO|European Union|EU|
IMF|International Monetary Fund|World Bank|WTO|World Trade Organization|OECD|OPEC|G7|G20|
ASEAN|African Union|Red Cross|Amnesty International|Greenpeace|FIFA|UEFA|IOC|NBA|NFL|MLB|NHL|
Premier League|NASA|ESA|CERN|FBI|CIA|NSA|CDC|FDA|EPA|IRS|SEC|Federal Reserve|Fed|ECB|
European Central Bank|Pentagon|White House|Congress|Senate|Supreme Court|Parliament|
Harvard|Harvard University|MIT|Stanford|Stanford University|Oxford|University of Oxford|Cambridge|
University of Cambridge|Yale|Princeton|Caltech|Berkeley|UC Berkeley|Columbia University|
IEEE|ISO|W3C|IETF|Mozilla|Apache|Linux Foundation|Python Software Foundation|
Mayo Clinic|Cleveland Clinic|Johns Hopkins|NHS|National Health Service|NIH|American Heart Association|
American Diabetes Association|American Cancer Society|Lancet|The Lancet|JAMA|NEJM|Nature|Science
""".replace("\n", "").split("|"))

# Public figures chatbot users ask about or write in the style of (hand list: see above).
PUBLIC_FIGURES = frozenset(fold(n) for n in """
William Shakespeare|Shakespeare|Albert Einstein|Einstein|Isaac Newton|Newton|Charles Darwin|Darwin|
Galileo|Galileo Galilei|Aristotle|Plato|Socrates|Confucius|Karl Marx|Marx|Sigmund Freud|Freud|
Friedrich Nietzsche|Nietzsche|Immanuel Kant|Kant|Leonardo da Vinci|Da Vinci|Michelangelo|
Vincent van Gogh|Van Gogh|Pablo Picasso|Picasso|Mozart|Beethoven|Bach|Napoleon|Napoleon Bonaparte|
Julius Caesar|Cleopatra|Alexander the Great|Jesus|Jesus Christ|Muhammad|Buddha|Gandhi|
Mahatma Gandhi|Nelson Mandela|Mandela|Martin Luther King|Martin Luther King Jr|Abraham Lincoln|
Lincoln|George Washington|Thomas Jefferson|Winston Churchill|Churchill|Adolf Hitler|Hitler|
Joseph Stalin|Stalin|Mao Zedong|Vladimir Lenin|Lenin|Franklin D. Roosevelt|John F. Kennedy|JFK|
Queen Elizabeth|Queen Elizabeth II|King Charles|Barack Obama|Obama|Donald Trump|Trump|Joe Biden|
Biden|Hillary Clinton|Bill Clinton|Kamala Harris|Vladimir Putin|Putin|Volodymyr Zelensky|
Zelensky|Xi Jinping|Emmanuel Macron|Macron|Angela Merkel|Merkel|Rishi Sunak|Boris Johnson|
Narendra Modi|Modi|Elon Musk|Musk|Bill Gates|Steve Jobs|Mark Zuckerberg|Zuckerberg|Jeff Bezos|
Bezos|Sam Altman|Warren Buffett|Tim Cook|Sundar Pichai|Satya Nadella|Jack Ma|Taylor Swift|
Beyoncé|Beyonce|Rihanna|Michael Jackson|Elvis Presley|The Beatles|Lionel Messi|Messi|
Cristiano Ronaldo|Ronaldo|Michael Jordan|LeBron James|Serena Williams|Roger Federer|
Muhammad Ali|Oprah Winfrey|Oprah|Stephen King|J.K. Rowling|JK Rowling|Dan Brown|Jane Austen|
Charles Dickens|Dickens|Mark Twain|Ernest Hemingway|Hemingway|George Orwell|Orwell|Leo Tolstoy|
Tolstoy|Fyodor Dostoevsky|Dostoevsky|Edgar Allan Poe|Agatha Christie|Virginia Woolf|
Mary Shelley|Homer|Dante|Tolkien|J.R.R. Tolkien|C.S. Lewis|Stephen Hawking|Marie Curie|
Nikola Tesla|Thomas Edison|Alan Turing|Ada Lovelace|Carl Sagan|Neil Armstrong|Frida Kahlo|
Andy Warhol|Quentin Tarantino|Steven Spielberg|Christopher Nolan|Wes Anderson|Tom Hanks|
Leonardo DiCaprio|Brad Pitt|Morgan Freeman|Snoop Dogg|Eminem|Kanye West|Drake|Bob Dylan
""".replace("\n", "").split("|"))


@functools.cache
def countries() -> frozenset[str]:
    return geo.countries()


def _plain(value: str) -> str:
    lowered = fold(value.strip())
    for article in ("the ",):
        if lowered.startswith(article):
            lowered = lowered[len(article):]
    return lowered.removesuffix("'s").removesuffix("’s")


def is_country_or_region(value: str) -> bool:
    """A country, a US state or a region larger than a country ("Spain", "California", "the Far
    East"): places that hold millions (HIPAA's Safe Harbor keeps states for the same reason)."""
    plain = _plain(value)
    return (plain in countries() or plain in WORLD_REGIONS or fold(value.strip()) in WORLD_REGIONS
            or geo.is_us_state(plain))


def list_of_places(value: str) -> bool:
    """"China, India, South east Asia": every comma part a country or region."""
    parts = [p for p in value.replace(" and ", ",").split(",") if p.strip()]
    return len(parts) > 1 and all(is_country_or_region(p) for p in parts)


def is_well_known_org(value: str) -> bool:
    """A well-known organisation, or a product of one named after it ("Samsung Galaxy",
    "Kubernetes Deployment")."""
    plain = _plain(value)
    if plain in WELL_KNOWN_ORGS or fold(value.strip()) in WELL_KNOWN_ORGS:
        return True
    first = plain.split()[0] if plain.split() else ""
    return " " in plain and first in WELL_KNOWN_ORGS and len(first) > 3


def is_public_figure(value: str) -> bool:
    """A public figure, also at the end of a longer span ("Summarise Albert Einstein's"); there
    only a full name counts, since a surname alone ends many private names too."""
    plain = _plain(value)
    if plain in PUBLIC_FIGURES:
        return True
    words = plain.split()
    return any(" ".join(words[-n:]) in PUBLIC_FIGURES for n in (2, 3) if len(words) > n)
