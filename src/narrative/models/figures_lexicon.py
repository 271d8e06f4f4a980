"""Word lists and regular expressions used by `narrative.models.figures`.

Lexicons hold inflected word forms (lower case) because the project's pipeline runs without
spaCy's lemmatizer.
"""

from __future__ import annotations

import re

SCALES = {
    "thousand": 1e3, "k": 1e3,
    "million": 1e6, "mn": 1e6, "m": 1e6, "mln": 1e6, "mil": 1e6,
    "billion": 1e9, "bn": 1e9, "b": 1e9, "bln": 1e9,
    "trillion": 1e12, "tn": 1e12, "trn": 1e12, "tr": 1e12, "t": 1e12,
}

# currency prefixes / suffixes → ISO code ("¥" is decided from context, see figures._yen)
CUR_PREFIX = {
    "us$": "USD", "usd": "USD", "$": "USD", "hk$": "HKD", "nz$": "NZD", "nzd": "NZD", "hkd": "HKD", "nt$": "TWD", "twd": "TWD",
    "s$": "SGD", "sgd": "SGD", "a$": "AUD", "aud": "AUD", "c$": "CAD", "cad": "CAD",
    "rmb": "CNY", "cny": "CNY", "€": "EUR", "eur": "EUR", "£": "GBP", "gbp": "GBP", "¥": "¥",
    "jpy": "JPY", "₩": "KRW", "krw": "KRW", "₹": "INR", "inr": "INR", "rs": "INR",
}
CUR_SUFFIX = {
    "yuan": "CNY", "renminbi": "CNY", "rmb": "CNY", "cny": "CNY", "dollars": "USD", "dollar": "USD",
    "usd": "USD", "hkd": "HKD", "hong kong dollars": "HKD", "euros": "EUR", "euro": "EUR", "eur": "EUR",
    "pounds": "GBP", "pound": "GBP", "pounds sterling": "GBP", "pound sterling": "GBP", "yen": "JPY", "won": "KRW",
    "rupees": "INR", "rupee": "INR", "us dollars": "USD", "us dollar": "USD", "u.s. dollars": "USD",
    "u.s. dollar": "USD", "hong kong dollar": "HKD", "singapore dollars": "SGD",
    "singapore dollar": "SGD", "australian dollars": "AUD", "australian dollar": "AUD", "canadian dollars": "CAD",
    "canadian dollar": "CAD", "new taiwan dollars": "TWD", "taiwan dollars": "TWD", "chinese yuan": "CNY",
    "swiss francs": "CHF", "swiss franc": "CHF", "francs": "CHF", "franc": "CHF", "pesos": "MXN", "peso": "MXN",
    "lira": "TRY", "ringgit": "MYR", "baht": "THB", "rupiah": "IDR", "dong": "VND", "reais": "BRL", "real": "BRL",
    "rand": "ZAR", "€": "EUR", "$": "USD", "£": "GBP", "¥": "¥",
}

_PRE = r"(?:US\$|HK\$|NT\$|NZ\$|S\$|A\$|C\$|RMB|CNY|USD|HKD|EUR|GBP|JPY|TWD|SGD|\$|€|£|¥|₩|₹)"
_NUM = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
_SCALE_WORD = r"(?:trillion|billion|million|thousand)"
_SCALE_SUF = r"(?:tn|trn|bn|bln|mn|mln|m|b|k)"
_SCALE = rf"(?:[\s-]?{_SCALE_WORD}|\s?(?:tn|trn|bn|bln|mn|mln)|(?:m|b|k|t))"
_POST = (
    r"(?:(?:US|U\.S\.|Hong\sKong|Singapore|Australian|Canadian|New\sTaiwan|Taiwan)\sdollars?|Chinese\syuan|Swiss\sfrancs?|"
    r"yuan|renminbi|RMB|CNY|dollars?|USD|HKD|EUR|euros?|pounds?(?:\ssterling)?|yen|won|rupees?|francs?|pesos?|lira|"
    r"ringgit|baht|rupiah|dong|reais|real|rand|€|\$|£|¥)"
)
_END = r"(?![\w])"
_BEG = r"(?<![\w.$€£¥/-])"
_RANGE_SEP = r"\s?(?:-|–|to)\s?"

MONEY_RE = re.compile(
    rf"(?:between\s)?{_BEG}(?P<pre>{_PRE})\s?(?P<n1>{_NUM})(?P<s1>{_SCALE}|\s(?:m|mn|b)(?=[\s,.;)]|$))?{_END}"
    rf"(?:(?:{_RANGE_SEP}|\sand\s)(?P=pre)?\s?(?P<n2>{_NUM})(?P<s2>{_SCALE})?{_END})?"
    rf"|{_BEG}(?P<n3>{_NUM})(?:(?:{_RANGE_SEP})(?P<n4>{_NUM}))?(?P<s3>{_SCALE})?\s?(?P<post>{_POST})(?![\w$€£¥])(?!\s?\d)",
    re.I,
)
PERCENT_RE = re.compile(
    rf"{_BEG}(?P<n1>{_NUM})\s?(?:%|percent|per\scent|pct)?(?:{_RANGE_SEP})(?P<n2>{_NUM})\s?(?:%|percent\b|per\scent\b|pct\b)"
    rf"|{_BEG}(?P<n3>{_NUM})\s?(?:%|percent\b|per\scent\b|pct\b)",
    re.I,
)
PP_RE = re.compile(
    rf"{_BEG}(?P<n>{_NUM})\s?(?P<u>percentage[\s-]points?|percentage\spt|ppts?|pp|basis\spoints?|bps|bp){_END}", re.I
)
MULT_NUM_RE = re.compile(rf"{_BEG}(?P<n>{_NUM})\s?(?:x|×){_END}|{_BEG}(?P<n2>{_NUM}|two|three|four|five|six|seven|eight|nine|ten)(?:-fold|fold|\stimes){_END}", re.I)
MULT_WORD_RE = re.compile(
    r"\b(?P<w>doubled|doubling|doubles|double|tripled|tripling|triples|triple|quadrupled|quadruple|halved|halving|halve|"
    r"twofold|threefold|fourfold|fivefold|tenfold|(?:by\s(?:about\s|roughly\s|nearly\s|almost\s)?half))\b(?![-\s]digit)(?!\s\d)"
    r"(?!\s(?:down|up|as)\b)(?![-\s]edged)",
    re.I,
)
QUAL_RE = re.compile(r"\b(?P<w>single|double|triple)[-\s]digits?(?:\s(?:growth|gains?|increases?|declines?|drops?|rises?))?\b", re.I)
SCALED_NUM_RE = re.compile(rf"{_BEG}(?P<n>{_NUM})(?P<s>\s?{_SCALE_WORD}|(?:bn|mn|tn|m|k)){_END}", re.I)
BARE_NUM_RE = re.compile(rf"{_BEG}(?P<n>{_NUM}){_END}(?!%|\.\d)")

WORD_NUMS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}
MULT_WORDS = {
    "doubled": 2, "doubling": 2, "doubles": 2, "double": 2, "tripled": 3, "tripling": 3, "triples": 3, "triple": 3,
    "quadrupled": 4, "quadruple": 4, "halved": 0.5, "halving": 0.5, "halve": 0.5, "twofold": 2, "threefold": 3,
    "fourfold": 4, "fivefold": 5, "tenfold": 10,
}
QUAL_BOUNDS = {"single": (1, 9), "double": (10, 99), "triple": (100, 999)}

QUALIFIERS = [
    (r"more than|over|above|in excess of|upwards of|just over|greater than|exceeding", "more than"),
    (r"about|around|roughly|approximately|some|circa|an estimated about", "about"),
    (r"nearly|almost|close to|just under|just shy of", "nearly"),
    (r"at least|no less than", "at least"),
    (r"up to|as much as|as many as|as high as", "up to"),
    (r"less than|fewer than|under|below", "less than"),
]
QUALIFIER_RE = [(re.compile(rf"(?:^|\W)(?P<q>{pat})\s+(?:a\s|an\s)?$", re.I), name) for pat, name in QUALIFIERS]

UP = {
    "rose", "rise", "rises", "rising", "risen", "jumped", "jump", "jumps", "jumping", "surged", "surge", "surges",
    "surging", "grew", "grow", "grows", "growing", "grown", "growth", "climbed", "climb", "climbs", "climbing",
    "increased", "increase", "increases", "increasing", "up", "gained", "gain", "gains", "soared", "soar", "soars",
    "rallied", "rally", "expanded", "expand", "expands", "expansion", "widened", "widen", "widens", "widening",
    "doubled", "tripled", "quadrupled", "improved", "improve", "improves", "accelerated", "accelerate", "reached",
    "reach", "reaches", "hit", "hits", "topped", "top", "tops", "surpassed", "surpass", "exceeded", "exceed",
    "exceeds", "passed", "pass", "raised", "raise", "raises", "raising", "lift", "lifted", "lifts", "boosted",
    "boost", "higher", "added", "add", "adds", "advanced", "spiked", "rebounded", "recovered", "swelled",
    "ballooned", "skyrocketed", "leapt", "leaped", "strengthened", "hike", "hiked", "hikes", "upgraded", "beat",
    "outpaced",
}
DOWN = {
    "fell", "fall", "falls", "falling", "fallen", "dropped", "drop", "drops", "dropping", "plummeted", "plummet",
    "slashed", "slash", "slashes", "cut", "cuts", "cutting", "declined", "decline", "declines", "declining",
    "decreased", "decrease", "decreases", "narrowed", "narrow", "narrows", "narrowing", "down", "slid", "slide",
    "slides", "slipped", "slip", "slips", "slumped", "slump", "slumps", "plunged", "plunge", "plunges", "tumbled",
    "tumble", "shrank", "shrunk", "shrink", "shrinks", "contracted", "contraction", "weakened", "weaken", "reduce",
    "reduced", "reduces", "reduction", "eliminate", "eliminated", "eliminating", "halved", "lower", "lowered",
    "cheaper", "sank", "sink", "dipped", "dip", "dips", "eased", "ease", "retreated", "lost", "loses", "losing",
    "wiping", "wiped", "wipe", "shed", "sheds", "trimmed", "trim", "downgraded", "missed",
    "deteriorated", "tanked", "crashed", "collapsed", "erased",
}
# "lost"/"loses" only count as a fall when the subject is a metric (shares lost 3%), not a company
# (NIO lost 5.1 billion yuan → a loss). figures._direction_word handles that.
LEVEL_VERBS_AS_METRIC = {
    "invest": "investment", "invests": "investment", "invested": "investment", "investing": "investment",
    "spend": "spending", "spends": "spending", "spent": "spending", "spending": "spending",
    "lose": "loss", "lost": "loss", "loses": "loss", "losing": "loss",
    "raise": "funding", "raised": "funding", "raises": "funding", "raising": "funding",
    "repurchased": "repurchase", "repurchase": "repurchase", "repurchases": "repurchase",
    "sell": "sale", "sold": "sale", "sells": "sale", "selling": "sale",
    "pay": "payment", "paid": "payment", "pays": "payment", "paying": "payment",
    "value": "valuation", "values": "valuation", "valued": "valuation", "valuing": "valuation",
    "price": "price", "priced": "price", "prices": "price", "pricing": "price",
    "cost": "cost", "costs": "cost", "costing": "cost",
    "earn": "earnings", "earned": "earnings", "earns": "earnings",
    "borrow": "borrowing", "borrowed": "borrowing",
    "acquire": "acquisition", "acquired": "acquisition", "buy": "acquisition", "bought": "acquisition",
    "commit": "investment", "commits": "investment", "committed": "investment", "committing": "investment",
}
ALWAYS_VERB_METRIC = {"investment", "spending", "cost", "loss", "valuation"}
COUNT_NOUNS_STRONG = {
    "user", "users", "customer", "customers", "employee", "employees", "staff", "worker", "workers", "job", "jobs",
    "role", "roles", "position", "positions", "vehicle", "vehicles", "car", "cars", "ev", "evs", "unit", "units",
    "store", "stores", "shop", "shops", "outlet", "outlets", "merchant", "merchants", "seller", "sellers",
    "subscriber", "subscribers", "member", "members", "download", "downloads", "order", "orders", "parcel",
    "parcels", "package", "packages", "ride", "rides", "trip", "trips", "delivery", "deliveries", "share",
    "shares", "enterprise", "enterprises", "client", "clients", "developer", "developers", "courier", "couriers",
    "rider", "riders", "driver", "drivers", "account", "accounts", "buyer", "buyers", "visitor", "visitors",
    "token", "tokens", "zone", "zones", "smartphone", "smartphones", "phone", "phones", "handset", "handsets",
    "device", "devices", "chip", "chips", "gpu", "gpus", "server", "servers", "accelerator", "accelerators",
    "household", "households", "consumer", "consumers", "passenger", "passengers", "transaction", "transactions",
    "installation", "installations", "listing", "listings", "layoff", "layoffs", "headcount", "franchisee",
    "franchisees", "restaurant", "restaurants", "branch", "branches", "atm", "atms", "loan", "loans", "card",
    "cards", "policy", "policies", "contract", "contracts", "license", "licences", "licenses", "ticket", "tickets",
    "copy", "copies", "pc", "pcs", "laptop", "laptops", "tablet", "tablets", "wafer", "wafers", "datacenter",
    "datacenters", "centre", "centres", "center", "centers", "people",
}
COUNT_NOUNS_BAD = {
    "year", "years", "month", "months", "week", "weeks", "day", "days", "hour", "hours", "minute", "minutes",
    "quarter", "quarters", "time", "times", "parameter", "parameters", "nanometre", "nanometer", "nanometres",
    "nanometers", "nm", "percent", "cent", "point", "points", "kilometres", "kilometers", "km", "miles", "metres",
    "meters", "co-founders", "cofounders", "founders", "tons", "tonnes", "kg", "degrees",
}
GENERIC_COUNT_UNITS = {"units", "unit", "people"}
INDEX_WORDS = {
    "nasdaq", "s&p", "dow", "hang seng", "nikkei", "csi", "shanghai composite", "ftse", "kospi", "stoxx",
    "dax", "cac", "sensex", "nifty", "tsx", "asx", "russell", "euro stoxx", "sti", "taiex", "bovespa",
    "yuan", "dollar", "yen", "euro", "renminbi", "index", "benchmark",
}
SOURCE_ORGS = {
    "idc", "canalys", "counterpoint", "gartner", "omdia", "goldman", "goldman sachs", "morgan stanley", "jpmorgan",
    "bernstein", "jefferies", "citi", "citigroup", "ubs", "nomura", "macquarie", "bloomberg", "reuters", "syntun",
    "caixin", "the information", "financial times", "xinhua", "state media", "analysts", "bank of america",
    "barclays", "hsbc global research", "moody's", "s&p global", "fitch", "morningstar", "lseg", "factset",
    "visible alpha", "trendforce", "ihs", "cnbc",
    # publications quoted as the source of a story
    "techcrunch", "trd", "the real deal", "wired", "newsweek", "aol", "ap", "associated press", "the new york times",
    "new york times", "fox", "fox news", "the wall street journal", "wall street journal", "wsj", "barron's", "forbes",
    "business insider", "the verge", "engadget", "politifact", "the intelligencer", "ottawa citizen", "census bureau",
    "u.s. census bureau", "oecd", "world bank", "imf", "wall street",
}
REGIONS = [
    "mainland China", "Greater China", "China", "Hong Kong", "Taiwan", "Japan", "South Korea", "Korea", "India",
    "Southeast Asia", "Asia-Pacific", "Asia Pacific", "Asia", "Europe", "the United States", "United States",
    "the US", "the U.S.", "US", "U.S.", "North America", "Latin America", "America", "the Middle East",
    "Middle East", "Africa", "New York", "Singapore", "Indonesia", "Vietnam", "Thailand", "Malaysia",
    "the Philippines", "Philippines", "Germany", "France", "the UK", "UK", "Britain", "Brazil", "Mexico",
    "Saudi Arabia", "the Gulf", "Shanghai", "Beijing", "Shenzhen", "Hangzhou", "Canada", "Australia", "Europe",
    "the European Union", "European Union", "EU", "New Zealand", "Portugal", "France", "Italy", "Spain", "Russia", "Ukraine",
    "Tanzania", "Nigeria", "Kenya", "South Africa", "Turkey", "Argentina", "Chile", "Texas", "California", "Houston",
]
REGION_SET = {r.lower().removeprefix("the ") for r in REGIONS}
JPY_CONTEXT = re.compile(
    r"\b(yen|Japan|Japanese|Tokyo|Nikkei|Sony|SoftBank|Toyota|Rakuten|Nintendo|Panasonic|Hitachi|Honda|Nissan|"
    r"Uniqlo|Fast Retailing|Mitsubishi|Sumitomo|Mizuho|Nomura|Kioxia|Renesas|Keyence|Tokyo Electron|Line Yahoo)\b"
)
CNY_CONTEXT = re.compile(r"\b(yuan|RMB|renminbi|China|Chinese|Beijing|Shanghai|Hangzhou|Shenzhen)\b")
NO_STRIP_ENT_WORDS = {
    "ai", "api", "apis", "gpu", "gpus", "ev", "evs", "aigc", "r&d", "genai", "llm", "saas", "ebita", "ebitda", "ebit",
    "eps", "gmv", "arpu", "mau", "maus", "dau", "daus", "rpo", "nim", "roe", "capex", "ads", "adr", "adrs", "ipo",
    "gdp", "cpi", "ppi", "pmi", "fcf", "npl", "yoy", "qoq", "cmr", "iaas", "paas", "cpm", "ctr", "rpm", "apr", "cagr",
    "aum", "nav", "arr", "mrr", "apk",
}
NON_COMPANY_SUBJECTS = {
    "analysts", "analyst", "economists", "investors", "experts", "traders", "brokers", "people", "sources",
    "officials", "executives", "estimates", "data", "figures", "survey", "report", "that", "which", "who",
}

# ----------------------------------------------------------------------------- metrics, subjects, change

# canonical metric names: the phrase as extracted (lower case) → the canonical name
METRIC_CANON = {
    "net profit": "net income", "net earnings": "net income", "profit attributable to shareholders": "net income",
    "per-share earnings": "earnings per share", "eps": "earnings per share", "earnings per share": "earnings per share",
    "stock": "share price", "shares": "share price", "stock price": "share price", "share price": "share price",
    "stock prices": "share price", "share prices": "share price",
    "comparable-store sales": "comparable sales", "same-store sales": "comparable sales", "comps": "comparable sales",
    "comp sales": "comparable sales", "like-for-like sales": "comparable sales", "comparable sales": "comparable sales",
    "comparable-store sales growth": "comparable sales",
    "market capitalisation": "market value", "market capitalization": "market value", "market cap": "market value",
    "deal": "deal value", "takeover": "deal value", "acquisition": "deal value", "buyout": "deal value", "merger": "deal value",
    "ownership position": "stake", "ownership stake": "stake", "stake": "stake",
    "workforce": "employees", "headcount": "employees", "staff": "employees",
    "layoffs": "job cuts", "job cuts": "job cuts", "job eliminations": "job cuts", "lay-offs": "job cuts",
    "lifeline": "funding", "bailout": "funding", "funding round": "funding", "financing": "funding",
    "capital expenditure": "capex", "capital expenditures": "capex", "capital spending": "capex",
    "breakup fee": "breakup fee", "termination fee": "termination fee",
    "economy": "GDP", "gross domestic product": "GDP", "economic growth": "GDP",
    "tariffs": "tariff", "interest rates": "interest rate", "prices": "price",
}
# metrics that belong to a company: a figure of one of these with no owner in its sentence is the
# article's company's
COMPANY_METRICS = {
    "revenue", "net income", "earnings per share", "share price", "market value", "valuation", "funding",
    "deal value", "stake", "employees", "job cuts", "comparable sales", "market share", "operating income",
    "operating profit", "gross margin", "operating margin", "free cash flow", "capex", "customers", "members",
    "users", "monthly active users", "subscribers", "dividend", "buyback", "repurchase", "breakup fee",
    "termination fee", "adjusted EBITA", "adjusted EBITDA", "EBITDA", "net loss", "operating loss", "guidance",
}
# a metric is what is measured, never who does it
AGENT_NOUNS = {
    "dealers", "dealer", "consumers", "consumer", "analysts", "analyst", "investors", "investor", "lawmakers",
    "officials", "official", "plans", "plan", "country", "countries", "company", "companies", "firm", "firms",
    "government", "agency", "department", "people", "experts", "leaders", "leader", "executives", "traders",
    "buyers", "shoppers", "sellers", "report", "survey", "study", "analysis", "data", "figures", "statement",
    "cities", "world", "peer", "lawmaker", "management", "strategist", "spokesperson", "sum",
}
# "the company", "its": the words that point back to a company named before
COREF_NOUNS = {
    "company", "firm", "group", "retailer", "bank", "lender", "insurer", "carrier", "airline", "automaker",
    "carmaker", "chipmaker", "startup", "brand", "giant", "conglomerate", "business", "operator", "platform",
    "maker", "manufacturer", "developer", "stock", "shares", "agency", "department", "council", "municipality",
    "ministry", "university", "institute", "fund",
}
COREF_PRONOUNS = {"it", "its", "they", "their", "we", "our"}
# counted nouns that are not economic quantities, and words around counts of casualties
NON_ECON_COUNT_NOUNS = {
    "troops", "soldiers", "deaths", "casualties", "victims", "protesters", "pixels", "pages", "photos",
    "pounds", "megapixels", "points", "votes", "seats", "floors",
}
CASUALTY_WORDS = {"killed", "killing", "kills", "dead", "died", "injured", "wounded", "displaced", "evacuated", "arrested", "missing"}
# verbs whose object is the level reached, not the change
LEVEL_REACH_VERBS = {
    "reach", "reached", "reaches", "reaching", "hit", "hits", "top", "topped", "tops", "surpass", "surpassed",
    "surpasses", "exceed", "exceeded", "exceeds", "pass", "passed", "total", "totaled", "totalled", "totals",
    "stood", "stands", "stand", "peaked", "averaged",
}
COMPARE_WORDS = {"compared", "compares", "compare", "comparing", "versus", "vs", "vs.", "against", "than"}
COMPARATIVE_UP = {"higher", "more", "greater", "larger", "bigger", "faster", "stronger", "costlier"}
COMPARATIVE_DOWN = {"lower", "less", "fewer", "smaller", "cheaper", "slower", "weaker"}
WEEKDAYS = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
MARKET_METRICS = {"share price", "index", "shares", "stock", "yuan", "dollar", "yen", "euro", "bitcoin"}
