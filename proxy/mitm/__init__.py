"""The mitmproxy side: the addon, its protection runtime, hosts, CA, embedded proxy."""
