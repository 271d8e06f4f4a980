"""Generate the training corpus for the financial sentence sentiment classifier.

Everything here is our own writing (MIT): about 4,300 hand-written financial-newswire sentences
(``handwritten.jsonl``, the first set of hard cases, and the themed ``handwritten_*.jsonl`` files:
results, corporate, deals_orders, operations, markets, sectors, wire) plus a minority of sentences
composed from hand-written templates and vocabularies with a seeded RNG. No sentence comes from
Financial PhraseBank or any other labelled corpus.

    python -m narrative.training.sentiment_data.generate            # writes train.jsonl beside this file
    python src/narrative/training/sentiment_data/generate.py --template-neutral 600 --seed 7

Labelling convention (the one financial newswire annotators use): a sentence is positive or negative
when it reports or expects a change that is good or bad for the company / its investors (sales up,
losses narrowed, costs cut, debt down, order won, jobs cut, outlook lowered, fine imposed...);
plain facts, descriptions, schedules, appointments, unchanged figures and figures without a
comparison are neutral. Refinements: a figure with a comparison figure follows the numbers even
without a direction word ("EUR 5.2 mn (EUR 4.1 mn)" is positive); a reported loss is negative; new
business (a contract or agreement signed, an order won, an expansion, estimated savings, a leading
market position gained) is positive, while its terms, schedule and value alone are neutral.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent

# --------------------------------------------------------------------------------------------
# vocabularies
# --------------------------------------------------------------------------------------------

REAL_COMPANIES = [
    "Alibaba", "Alibaba Cloud", "Alibaba Group", "Taobao", "Tmall", "AliExpress", "Ant Group",
    "Cainiao", "Tencent", "Baidu", "JD.com", "PDD Holdings", "Meituan", "Xiaomi", "BYD", "Huawei",
    "SMIC", "TSMC", "Samsung Electronics", "SK Hynix", "Nvidia", "AMD", "Intel", "Microsoft",
    "Amazon", "Google", "Meta", "Oracle", "IBM", "SAP", "Siemens", "Infineon", "ASML", "Nokia",
    "Ericsson", "Telia", "Elisa", "Vodafone", "Orange", "Deutsche Telekom", "Stora Enso", "UPM",
    "Kone", "Wartsila", "Fortum", "Neste", "Outokumpu", "Kesko", "Nordea", "Danske Bank",
    "Swedbank", "DNB", "Equinor", "Volvo Cars", "Scania", "H&M", "Inditex", "Zalando",
    "Carrefour", "Tesco", "Shell", "BP", "TotalEnergies", "HSBC", "Barclays", "UBS", "ING",
    "Santander", "DBS", "Reliance Industries", "Infosys", "Tata Motors", "Toyota", "Sony",
    "SoftBank", "Rakuten", "Sea Limited", "Grab", "Shopify", "Volkswagen", "BMW", "Stellantis",
    "Renault", "Airbus", "Maersk", "Novo Nordisk", "Vestas", "Orsted", "Nestle", "Unilever",
]

_PRE = ["Kor", "Vala", "Sten", "Lumi", "Aro", "Tun", "Norr", "Bel", "Cal", "Dex", "Fin", "Hal",
        "Ilo", "Jar", "Kivi", "Lin", "Mer", "Nor", "Oka", "Pel", "Raa", "Sar", "Tal", "Uus",
        "Ves", "Wil", "Yli", "Zen", "Bor", "Fjord", "Gran", "Hav", "Is", "Kal", "Mal", "Ost",
        "Sun", "Tor", "Vik", "Alta", "Brio", "Cres", "Delta", "Evo", "Heli", "Kron", "Lago",
        "Nova", "Orbi", "Quan", "Sino", "Tera", "Vanta", "Zhi", "Hua", "Long", "Jin", "Mei",
        "Sora", "Hikari", "Indra", "Sagar", "Andes", "Pampa", "Rhein", "Alpen", "Baltic"]
_MID = ["ta", "vik", "mark", "tek", "ora", "lund", "sys", "gen", "dal", "berg", "nes", "lux",
        "net", "tronic", "rail", "med", "pak", "soft", "via", "con", "wood", "steel", "mar",
        "tec", "form", "data", "cloud", "logic", "grid", "power", "chem", "food", "line"]
_SUF = [" Oyj", " AB", " ASA", " A/S", " Group", " Corp", " Ltd", " plc", " AG", " SE",
        " Holdings", " Inc.", "", "", "", " Technologies", " Systems", " Industries", " Bank",
        " Energy", " Motors", " Telecom", " Retail", " Foods", " Pharma", " Logistics"]

COUNTRIES = ["Finnish", "Swedish", "Norwegian", "Danish", "Estonian", "German", "Dutch",
             "French", "British", "Polish", "Chinese", "Hong Kong-based", "Japanese",
             "South Korean", "Indian", "Singaporean", "US", "Canadian", "Brazilian",
             "Australian", "Swiss", "Italian", "Spanish", "Latvian", "Lithuanian", "Russian",
             "Taiwanese", "Indonesian", "Vietnamese", "Mexican", "Turkish", "Saudi", "Irish"]

PLACES = ["Finland", "Sweden", "Norway", "Denmark", "the Baltic countries", "Russia", "Germany",
          "Poland", "China", "India", "Japan", "the US", "the UK", "Brazil", "Southeast Asia",
          "the Nordic countries", "Europe", "Latin America", "the Middle East", "Vietnam",
          "Indonesia", "South Korea", "Hong Kong", "Singapore", "Mexico", "Estonia", "Spain",
          "Tampere", "Oulu", "Gothenburg", "Hangzhou", "Shenzhen", "Shanghai", "Bangalore",
          "Munich", "Lyon", "Malaysia", "Thailand", "Saudi Arabia", "Turkey", "Australia"]

EXCHANGES = ["Helsinki", "Stockholm", "Oslo", "Copenhagen", "Hong Kong", "New York",
             "Frankfurt", "London", "Tokyo", "Shanghai", "Shenzhen", "Mumbai", "Paris",
             "Nasdaq", "early", "afternoon", "morning", "late"]

INDUSTRIES = [
    ("paper and packaging", "manufactures paper, board and packaging materials"),
    ("software", "develops enterprise resource planning software"),
    ("cloud computing", "provides cloud computing and data storage services"),
    ("telecommunications", "offers mobile and broadband services"),
    ("engineering", "designs and builds power plants and marine engines"),
    ("retail", "operates department stores and supermarkets"),
    ("e-commerce", "runs online marketplaces for consumers and small businesses"),
    ("semiconductor", "designs chips for data centres and smartphones"),
    ("banking", "provides retail and corporate banking services"),
    ("energy", "produces electricity and district heat"),
    ("automotive", "makes electric cars and batteries"),
    ("steel", "produces stainless steel and special alloys"),
    ("food", "produces dairy products and bakery goods"),
    ("logistics", "provides freight forwarding and warehousing services"),
    ("construction", "builds residential and commercial properties"),
    ("pharmaceutical", "develops and markets prescription medicines"),
    ("media", "publishes newspapers and operates television channels"),
    ("machinery", "supplies cranes and lifting equipment"),
    ("electronics", "makes components for the electronics industry"),
    ("forest products", "produces sawn timber and pulp"),
    ("shipping", "operates container vessels and port terminals"),
    ("artificial intelligence", "develops large language models and AI services"),
    ("chemicals", "produces industrial chemicals and coatings"),
    ("insurance", "offers life and non-life insurance"),
    ("real estate", "owns and leases office and retail properties"),
    ("consulting", "provides IT consulting and outsourcing services"),
    ("gaming", "develops mobile games"),
    ("mining", "mines copper, nickel and zinc"),
]

PRODUCTS = ["elevators", "paper machines", "base stations", "cloud servers", "AI accelerators",
            "electric buses", "wind turbines", "marine engines", "packaging board", "smart meters",
            "data centre equipment", "software licences", "cranes", "steel pipes", "network equipment",
            "medical devices", "forestry machines", "ship propulsion systems", "battery cells",
            "automation systems", "security software", "payment terminals", "solar panels",
            "chipmaking tools", "railway cars", "heat pumps", "ERP systems", "LNG carriers"]

# metrics where "up" is good news
GOOD_METRICS = [
    "net sales", "revenue", "operating profit", "net profit", "profit before taxes",
    "pre-tax profit", "EBITDA", "EBIT", "earnings per share", "order intake", "order backlog",
    "operating income", "net income", "comparable operating profit", "sales", "turnover",
    "cloud revenue", "cloud computing revenue", "AI-related product revenue",
    "international commerce revenue", "gross merchandise volume", "advertising revenue",
    "customer management revenue", "net interest income", "operating cash flow",
    "free cash flow", "deliveries", "comparable-store sales", "gross profit", "bookings",
    "export sales", "profit after tax", "adjusted EBITA", "operating result",
    "like-for-like sales", "subscription revenue", "sales volumes", "profit for the period",
]
# metrics where "up" is bad news
BAD_METRICS = [
    "net loss", "operating loss", "pre-tax loss", "costs", "operating expenses",
    "net debt", "interest-bearing debt", "impairment charges", "loan loss provisions",
    "raw material costs", "fixed costs", "production costs", "personnel expenses",
    "non-performing loans", "customer churn", "interest expenses", "financing costs",
    "energy costs", "the loss per share", "credit losses", "warranty costs", "the adjusted loss",
]
# quantities where a count moving up is good
GOOD_COUNTS = [
    ("monthly active users", "million"), ("paying customers", ""), ("subscribers", "million"),
    ("cloud customers", ""), ("orders", ""), ("passengers", "million"), ("app downloads", "million"),
    ("paying members", "million"), ("cars sold", ""), ("new accounts", "million"),
]

UP = ["rose", "increased", "grew", "climbed", "jumped", "went up", "advanced", "surged",
      "rose sharply", "increased slightly", "was up", "improved", "rose strongly", "edged up",
      "soared", "picked up"]
DOWN = ["fell", "decreased", "declined", "dropped", "went down", "slumped", "plunged",
        "was down", "slid", "decreased slightly", "fell sharply", "contracted", "tumbled",
        "edged down", "weakened", "shrank"]
LOSS_BETTER = ["narrowed", "shrank", "was reduced", "decreased", "fell", "was cut", "eased"]
LOSS_WORSE = ["widened", "deepened", "grew", "increased", "rose", "swelled"]

CURRENCIES = [
    ("EUR", "mn"), ("EUR", "million"), ("EUR", "m"), ("MEUR", ""), ("euro", "mln"),
    ("USD", "million"), ("$", "million"), ("$", "billion"), ("SEK", "mn"), ("SEK", "billion"),
    ("NOK", "million"), ("DKK", "mn"), ("RMB", "billion"), ("yuan", "billion"), ("JPY", "billion"),
    ("GBP", "mn"), ("£", "million"), ("INR", "crore"), ("HK$", "billion"), ("CHF", "million"),
    ("PLN", "mn"), ("KRW", "trillion"), ("EUR", "bn"), ("US$", "billion"), ("S$", "million"),
    ("EUR", "thousand"), ("RUB", "million"), ("BRL", "million"), ("LVL", "mn"), ("EEK", "mn"),
]

PERIODS = [
    "in the third quarter of 2008", "in the first quarter of 2010", "in January-March 2009",
    "in January-September 2007", "in the first half of 2024", "in 2009", "in 2025",
    "for the fiscal year ended March 31", "in the September quarter", "in Q2 2025",
    "in the reporting period", "in the second quarter", "in the fourth quarter of 2023",
    "in the financial year 2006", "in the first nine months of the year", "last year",
    "in the October-December period", "in the period under review", "in the first quarter",
    "in the June quarter", "in fiscal 2024", "in the first six months", "in 2012",
    "in the three months to June", "during the review period", "in H1 2025", "in Q4",
]
COMPARE = ["a year earlier", "in the corresponding period in 2007", "a year ago",
           "in the same period last year", "in the previous year", "year-on-year",
           "in the corresponding period of 2024", "in the prior-year quarter",
           "in the previous quarter", "the year before"]

ANALYSTS = ["analysts", "market analysts", "analysts polled by Reuters", "the market",
            "analysts surveyed by Bloomberg", "consensus forecasts", "analysts' average forecast",
            "the consensus estimate", "analysts polled by LSEG"]

ROLES = ["chief executive officer", "CEO", "chief financial officer", "CFO", "chairman of the board",
         "head of cloud", "chief technology officer", "senior vice president", "managing director",
         "head of investor relations", "president of the Asia-Pacific region", "member of the board"]

FIRST = ["Matti", "Anna", "Jukka", "Li", "Wei", "Sanna", "Erik", "Ingrid", "Raj", "Priya",
         "Kenji", "Yuki", "Maria", "Carlos", "Hans", "Petra", "Olli", "Mika", "Zhang", "Eddie",
         "Joseph", "Daniel", "Sofia", "Lars", "Kari", "Helena", "Ahmed", "Fatima", "Tomas", "Ewa"]
LAST = ["Virtanen", "Korhonen", "Nieminen", "Zhang", "Wu", "Lindqvist", "Berg", "Sharma",
        "Tanaka", "Garcia", "Muller", "Nowak", "Hamalainen", "Lehtonen", "Chen", "Tsai",
        "Andersen", "Johansson", "Rossi", "Dubois", "Kumar", "Suzuki", "Heikkinen", "Laine"]

# --------------------------------------------------------------------------------------------


def _figure(text: str) -> float | None:
    m = re.search(r"\d[\d,]*(?:\.\d+)?", text)
    return float(m.group(0).replace(",", "")) if m else None


class Gen:
    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)

    # ---- slot fillers ------------------------------------------------------------------
    def c(self, *xs):
        return self.r.choice(xs[0] if len(xs) == 1 else xs)

    def company(self) -> str:
        r = self.r
        if r.random() < 0.45:
            return r.choice(REAL_COMPANIES)
        return r.choice(_PRE) + r.choice(_MID) + r.choice(_SUF)

    def subj(self) -> str:
        """Company as sentence subject: name, or 'The company' / 'The group'."""
        x = self.r.random()
        if x < 0.72:
            return self.company()
        return self.c(["The company", "The group", "The Group", "The firm", "The bank", "The unit"])

    def poss(self) -> str:
        s = self.subj()
        if s.startswith("The "):
            return s + "'s"
        return s + "'s"

    def person(self) -> str:
        return f"{self.c(FIRST)} {self.c(LAST)}"

    def num(self, lo=0.5, hi=900.0) -> float:
        # log-uniform magnitude
        import math
        return math.exp(self.r.uniform(math.log(lo), math.log(hi)))

    def fmt_num(self, v: float) -> str:
        if v >= 100:
            return f"{v:.0f}" if self.r.random() < 0.5 else f"{v:.1f}"
        if v >= 10:
            return f"{v:.1f}"
        return f"{v:.2f}" if self.r.random() < 0.3 else f"{v:.1f}"

    def money_pair(self, up: bool, lo: float = 0.03, hi: float = 0.9):
        """Two amounts in the same currency: (new, old) with new > old if up; the relative change
        is drawn from [lo, hi] and the printed figures keep the order (rounding never flips it)."""
        cur, unit = self.c(CURRENCIES)
        for _ in range(20):
            old = self.num()
            ch = self.r.uniform(lo, hi)
            new = old * (1 + ch) if up else old * (1 - ch * 0.8)
            a, b = self.money(new, cur, unit), self.money(old, cur, unit)
            va, vb = _figure(a), _figure(b)
            if va is not None and vb is not None and ((va > vb) if up else (va < vb)):
                break
        return a, b, self.pct_str(abs(new / old - 1) * 100)

    def money(self, v=None, cur=None, unit=None) -> str:
        if cur is None:
            cur, unit = self.c(CURRENCIES)
        if v is None:
            v = self.num()
        n = self.fmt_num(v)
        if cur in ("$", "£", "HK$", "US$", "S$"):
            return f"{cur}{n} {unit}".strip() if unit != "m" else f"{cur}{n}m"
        if cur in ("yuan", "euro"):
            return f"{n} {unit} {cur}" if unit else f"{n} {cur}"
        if cur == "MEUR":
            return f"MEUR {n}" if self.r.random() < 0.6 else f"{n} MEUR"
        if unit == "m":
            return f"{cur}{n}m" if self.r.random() < 0.5 else f"{cur} {n}m"
        return f"{cur} {n} {unit}".strip()

    def pct_str(self, p: float | None = None) -> str:
        if p is None:
            p = self.num(0.5, 120)
        s = f"{p:.0f}" if p >= 20 and self.r.random() < 0.5 else f"{p:.1f}"
        return s + self.c(["%", "%", "%", " percent", " per cent", " pct"])

    def period(self) -> str:
        return self.c(PERIODS)

    def compare(self) -> str:
        return self.c(COMPARE)

    def place(self) -> str:
        return self.c(PLACES)

    def date(self) -> str:
        m = self.c(["January", "February", "March", "April", "May", "June", "July", "August",
                    "September", "October", "November", "December"])
        d = self.r.randint(1, 28)
        y = self.r.choice([2006, 2007, 2008, 2009, 2010, 2023, 2024, 2025, 2026])
        return self.c([f"{m} {d}, {y}", f"{d} {m} {y}", f"{m} {d}", f"{m} {y}"])

    def quarter(self) -> str:
        return self.c(["Q1", "Q2", "Q3", "Q4", "the first quarter", "the second quarter",
                       "the third quarter", "the fourth quarter", "the first half of 2025",
                       "the second half of the year", "early 2026", "the end of 2024",
                       "mid-2025", "the spring", "the autumn"])

    def emp(self) -> int:
        return self.c([12, 25, 30, 40, 45, 60, 75, 80, 110, 120, 150, 180, 200, 250, 300, 320, 450,
                       600, 800, 1000, 1200, 1500, 2000, 3000, 4200, 5000, 7500, 12000])

    def count(self) -> str:
        v = self.emp()
        return f"{v:,}" if self.r.random() < 0.5 else str(v)

    def product(self) -> str:
        return self.c(PRODUCTS)


STATED = ["was", "totalled", "totaled", "amounted to", "stood at", "came to", "came in at", "reached"]
VERSUS = ["compared with", "compared to", "against", "versus", "as against"]


def verbless_comparisons(g: Gen, good: bool) -> list:
    """Figure + comparison figure with no direction word: the label follows the numbers alone
    ("Operating profit totalled EUR 5.2 mn, compared with EUR 4.1 mn" is good news;
    "The operating loss was EUR 2.0 mn, compared with a loss of EUR 3.5 mn" is good news too)."""
    lo, hi = (0.01, 0.12) if g.r.random() < 0.4 else (0.1, 0.9)   # close figures too
    m, mo, p = g.money_pair(up=good, lo=lo, hi=hi)            # good metric: new > old when good
    lm, lmo, _ = g.money_pair(up=not good, lo=lo, hi=hi)      # losses/costs: new < old when good
    other, other_o, _ = g.money_pair(up=True)
    gm = g.c(GOOD_METRICS)
    loss = g.c(["net loss", "operating loss", "pre-tax loss", "loss before taxes", "loss for the period",
                "operating loss excluding non-recurring items", "loss after taxes"])
    P = g.poss()
    per = g.period()
    cmp_ = g.compare()
    chg = g.c(["an increase of", "up", "a rise of", "representing growth of"]) if good else \
        g.c(["a decrease of", "down", "a decline of", "representing a fall of"])
    return [
        lambda: f"{P} {gm} {g.c(STATED)} {m} {per}, {g.c(VERSUS)} {mo} {cmp_}.",
        lambda: f"{gm.capitalize()} {g.c(STATED)} {m} ({mo}).",
        lambda: f"{gm.capitalize()} {per} {g.c(STATED)} {m}, {chg} {p}{g.c(['', ' from ' + mo, ' year-on-year', ' on the previous year'])}.",
        lambda: f"{P} {loss} {g.c(STATED)} {lm} {per}, {g.c(VERSUS)} a loss of {lmo} {cmp_}.",
        lambda: f"{loss.capitalize()} {g.c(STATED)} {lm} ({lmo}).",
        lambda: f"{P} {gm} {g.c(STATED)} {m}, {g.c(VERSUS)} {mo} in the {g.c(['corresponding period', 'same period', 'comparison period'])}{g.c(['', ' of 2024', ' of 2008', ' last year'])}.",
        (lambda: f"{P} {g.c(['net profit', 'operating profit', 'profit before taxes', 'result'])} {g.c(STATED)} {other} {per}, {g.c(VERSUS)} a loss of {other_o} {cmp_}.") if good else
        (lambda: f"{P} {loss} {g.c(STATED)} {other} {per}, {g.c(VERSUS)} a profit of {other_o} {cmp_}."),
        lambda: f"{P} {loss} {g.c(STATED)} {lm}{g.c([' in the ' + g.c(['first nine months', 'first half', 'second quarter', 'review period']), ''])}, {g.c(['while the loss in the same period last year was', 'compared with', 'against'])} {lmo}.",
    ]


# --------------------------------------------------------------------------------------------
# templates, one function per pattern, returning a sentence
# --------------------------------------------------------------------------------------------


def pos_templates(g: Gen):
    m, mo, p = g.money_pair(up=True)
    lm, lmo, lp = g.money_pair(up=False)  # lm < lmo, for losses/costs falling
    gm = g.c(GOOD_METRICS)
    bm = g.c(BAD_METRICS)
    S = g.subj()
    P = g.poss()
    per = g.period()
    cmp_ = g.compare()
    up = g.c(UP)
    down = g.c(DOWN)
    return [
        lambda: f"{P} {gm} {up} to {m} from {mo} {per}.",
        lambda: f"{gm.capitalize()} {up} to {m} from {mo}{g.c(['', ' ' + cmp_, ' ' + per])}.",
        lambda: f"{gm.capitalize()} {up} to {m} from {mo}{g.c(['', ' ' + cmp_, ' ' + per])}.",
        lambda: f"{bm.capitalize()} {down} to {lm} from {lmo}{g.c(['', ' ' + cmp_, ' ' + per])}.",
        lambda: f"{gm.capitalize()} {up} to {m}{g.c(['', ' ' + cmp_, ' ' + per])}.",
        lambda: f"{P} {gm} {up} by {p} to {m} {per}.",
        lambda: f"{g.c(['In', 'During'])} {per[3:] if per.startswith('in ') else 'the period'}, {gm} {up} to {m}, compared with {mo} {cmp_}.",
        lambda: f"{gm.capitalize()} {up} {p} {cmp_} to {m}.",
        lambda: f"{S} reported {gm} of {m} {per}, up from {mo} {cmp_}.",
        lambda: f"{S} said its {gm} {up} {p} {per}.",
        lambda: f"{P} {g.c(['net loss', 'operating loss', 'pre-tax loss', 'loss before taxes'])} {g.c(LOSS_BETTER)} to {lm} from {lmo}.",
        lambda: f"{S} said losses narrowed to {lm} {per} from {lmo} {cmp_}.",
        lambda: f"The {g.c(['net loss', 'operating loss', 'quarterly loss', 'loss per share'])} narrowed {per}.",
        lambda: f"{P} {bm} {down} to {lm} from {lmo}.",
        lambda: f"{P} {bm} {down} {lp} {per}.",
        lambda: f"{S} cut costs by {lm} {per}.",
        lambda: f"{S} {g.c(['aims to', 'plans to', 'will', 'expects to'])} cut {g.c(['annual costs', 'costs', 'operating expenses', 'fixed costs'])} by {lm} by {g.c(['2025', '2026', '2027', 'the end of next year', '2010'])}.",
        lambda: f"The cost-cutting programme is expected to bring annual savings of {lm}.",
        lambda: f"{S} said net debt fell to {lm} at the end of {g.quarter()}.",
        lambda: f"{g.c(['Net debt', 'Net loss', 'Net financial expenses', 'Net debt', 'Net interest expenses'])} {g.c(['decreased', 'fell', 'was reduced'])} to {lm} from {lmo}.",
        lambda: f"{S} swung to {g.c(['an operating profit', 'a net profit', 'a pre-tax profit', 'a profit'])} of {m} {per}, from a loss of {lmo} {cmp_}.",
        lambda: f"{S} turned profitable {per}.",
        lambda: f"{P} {gm} beat {g.c(ANALYSTS)} estimates {per}.",
        lambda: f"{P} {gm} of {m} beat {g.c(ANALYSTS)} {g.c(['forecast of', 'expectations of', 'estimate of'])} {mo}.",
        lambda: f"{S} {g.c(['beat', 'topped', 'exceeded', 'came in above'])} {g.c(['estimates', 'expectations', 'forecasts', 'market expectations'])} with {gm} of {m}.",
        lambda: f"{gm.capitalize()} came in ahead of expectations at {m}.",
        lambda: f"{S} raised its {g.c(['full-year', '2025', 'annual', 'fiscal-year'])} {g.c(['guidance', 'outlook', 'forecast', 'profit forecast', 'sales forecast'])}.",
        lambda: f"{S} now expects {gm} to {g.c(['increase', 'grow', 'improve', 'rise'])} {g.c(['in 2025', 'this year', 'in the second half', 'next year', 'from the previous year'])}.",
        lambda: f"{S} expects its {gm} to {g.c(['increase', 'grow', 'improve'])} {g.c(['significantly', 'clearly', 'by 10-15%', 'compared to 2008', ''])} {g.c(['in 2010', 'this year', 'in 2026'])}.".replace("  ", " "),
        lambda: f"{S} has won an order worth {m} from {g.company()}.",
        lambda: f"{S} {g.c(['won', 'secured', 'received', 'landed', 'signed'])} a {g.c(['contract', 'deal', 'order'])} {g.c(['worth', 'valued at'])} {m} to supply {g.product()} to {g.company()}.",
        lambda: f"{S} has been awarded a {m} contract to deliver {g.product()} in {g.place()}.",
        lambda: f"Shares in {g.company()} {g.c(['rose', 'jumped', 'climbed', 'surged', 'gained'])} {p} in {g.c(EXCHANGES)} trading after {g.c(['the results beat forecasts', 'it raised its outlook', 'it won a large order', 'strong quarterly earnings', 'upbeat guidance', 'it reported higher profit'])}.",
        lambda: f"{P} shares {g.c(['rose', 'jumped', 'climbed', 'gained', 'hit a record high'])} {g.c(['', p + ' '])}after {g.c(['the company raised its guidance', 'it reported a surge in cloud revenue', 'sales beat estimates', 'profit doubled', 'it announced a share buyback'])}.".replace("  ", " "),
        lambda: f"{g.company()} {g.c(['upgraded', 'raised'])} {g.c(['its recommendation on', 'its rating on', 'its target price for'])} {g.company()} to {g.c(['buy', 'outperform', 'overweight', 'accumulate', g.money()])}.",
        lambda: f"The board proposes {g.c(['an increased dividend of', 'raising the dividend to'])} {g.money(g.num(0.05, 3), 'EUR', '')} per share.",
        lambda: f"{S} increased its dividend to EUR {g.r.randint(31, 120) / 100:.2f} per share from EUR {g.r.randint(5, 30) / 100:.2f}.",
        lambda: f"{P} operating margin improved to {g.num(3, 30):.1f}% from {g.num(0.5, 3):.1f}%.",
        lambda: f"{P} {g.c(['gross margin', 'operating margin', 'EBITDA margin'])} widened by {g.num(0.3, 6):.1f} percentage points.",
        *verbless_comparisons(g, good=True),
        lambda: f"Demand for {g.product()} remained strong {per}.",
        lambda: f"{S} said demand for {g.c(['its AI services', 'cloud computing', 'AI chips', 'its products', 'electric vehicles'])} {g.c(['continued to grow', 'was robust', 'accelerated', 'remained strong', 'picked up'])} {per}.",
        lambda: f"{S} will {g.c(['hire', 'recruit', 'add'])} {g.count()} {g.c(['new employees', 'people', 'engineers', 'workers'])} as {g.c(['demand grows', 'it expands in ' + g.place(), 'orders pick up', 'business expands'])}.",
        lambda: f"{S} {g.c(['will double', 'is increasing', 'will expand', 'has boosted'])} production capacity {g.c(['at its plant in ' + g.place(), 'in ' + g.place(), 'to meet growing demand'])}.",
        lambda: f"The acquisition will strengthen {P.replace('The', 'the', 1)} position in {g.place()}.".replace("'s's", "'s"),
        lambda: f"The deal {g.c(['is expected to', 'will'])} {g.c(['boost', 'add to', 'lift', 'improve'])} {g.c(['earnings per share', 'profitability', 'the company`s earnings', 'operating profit', 'growth'])} {g.c(['from 2026', 'immediately', 'next year', 'in the long term'])}.",
        lambda: f"{S} posted record {gm} of {m} {per}.",
        lambda: f"{gm.capitalize()} {g.c(['doubled', 'tripled', 'more than doubled', 'nearly doubled'])} to {m} {per}.",
        lambda: f"{S} said {g.c(['profitability', 'its cash position', 'its financial position', 'its competitiveness', 'efficiency'])} {g.c(['improved', 'strengthened', 'improved significantly', 'improved clearly'])} {per}.",
        lambda: f"The number of {g.c([x[0] for x in GOOD_COUNTS])} {g.c(['rose', 'grew', 'increased', 'jumped'])} {p} to {g.num(2, 900):.1f} million.",
        lambda: f"{P} {g.c(['credit rating', 'rating', 'outlook'])} was {g.c(['upgraded', 'raised'])} by {g.c(['Moody`s', 'S&P', 'Fitch', 'Standard & Poor`s'])} to {g.c(['A-', 'BBB+', 'stable', 'positive', 'Baa1'])}.",
        lambda: f"{S} said the new {g.c(['model', 'service', 'platform', 'product line'])} {g.c(['boosted', 'lifted', 'helped drive'])} {gm} {per}.",
        lambda: f"Despite {g.c(['the weak market', 'the downturn', 'the strong euro', 'higher raw material prices', 'the price war', 'weak consumer demand'])}, {gm} {up} {p}.",
        lambda: f"Although {g.c(['sales fell', 'net sales declined', 'revenue was flat', 'volumes decreased'])}, {gm.replace('net sales', 'operating profit').replace('sales', 'profit')} {g.c(['improved', 'rose', 'increased'])} to {m}.",
        lambda: f"{S} expects {g.c(['operating profit', 'net sales', 'profitability', 'revenue', 'its result'])} for {g.c(['2025', 'the full year', 'the current year', '2009'])} to be {g.c(['better than', 'higher than', 'above', 'clearly better than'])} {g.c(['in 2024', 'last year', 'the previous year', 'in 2008'])}.",
        lambda: f"{S} said its {g.c(['cost-cutting measures', 'efficiency programme', 'restructuring'])} {g.c(['paid off', 'improved profitability', 'lowered costs', 'boosted margins'])} {per}.",
        lambda: f"{S} {g.c(['cut', 'reduced', 'lowered', 'trimmed'])} its {g.c(['debt', 'net debt', 'costs', 'operating costs', 'inventory levels', 'gearing'])} {g.c(['significantly', 'by ' + lm, 'by ' + lp, 'further'])} {per}.",
        lambda: f"{P} {g.c(['Qwen', 'AI', 'cloud', 'large language model'])} {g.c(['business', 'unit', 'services'])} {g.c(['posted triple-digit growth', 'grew strongly', 'turned a profit', 'doubled its revenue'])} {per}.",
        lambda: f"{g.c(['Market share', 'Its market share', 'The company`s market share'])} {g.c(['rose', 'increased', 'grew'])} to {g.num(5, 60):.0f}% in {g.place()}.",
        lambda: f"{gm.capitalize()} {g.c(['is expected to', 'will'])} {g.c(['rise', 'grow', 'increase'])} by {p} {g.c(['this year', 'in 2026', 'next year'])}, the company said.",
        lambda: f"{S} {g.c(['signed an agreement', 'has signed a contract', 'agreed'])} {g.c(['with ' + g.company() + ' ', ''])}to supply {g.count()} {g.product()}{g.c(['', ' to ' + g.company(), ' for a project in ' + g.place()])}.",
        lambda: f"{S} {g.c(['is expanding', 'has extended', 'will deepen', 'strengthened'])} its {g.c(['strategic partnership', 'cooperation', 'partnership', 'long-term agreement'])} with {g.company()}.",
        lambda: f"{g.company()} gave a {g.c(['buy', 'strong buy', 'outperform', 'accumulate'])} recommendation on {g.company()} with a {g.c(['target price', 'price target'])} of {g.money(g.num(5, 150), 'EUR', '')}.",
        lambda: f"{S} {g.c(['launched', 'has started', 'introduced'])} a {g.c(['profitability programme', 'cost-saving programme', 'efficiency programme', 'turnaround plan'])} {g.c(['at its plant in ' + g.place(), 'in ' + g.place(), 'to improve margins'])}.",
        lambda: f"The acquisition {g.c(['is in line with', 'supports', 'fits'])} {P.replace('The', 'the', 1)} strategy of {g.c(['growing its service business', 'expanding in ' + g.place(), 'strengthening its market position', 'profitable growth'])}.",
        lambda: f"{S} {g.c(['opened', 'will open', 'is opening'])} {g.c(['a new store', 'a new plant', 'new offices', 'a new data centre', 'a new service centre'])} in {g.place()} {g.c(['to meet growing demand', 'as part of its expansion', 'to serve the fast-growing market', 'to boost sales'])}.",
        lambda: f"{S} {g.c(['has been selected', 'was chosen', 'has been picked'])} {g.c(['as the main supplier', 'as a preferred supplier', 'to supply ' + g.product()])} {g.c(['for', 'by'])} {g.company()}.",
        lambda: f"The new {g.c(['system', 'line', 'technology', 'platform', 'machine'])} will {g.c(['improve efficiency', 'cut production costs', 'increase capacity', 'raise productivity', 'reduce energy consumption'])} {g.c(['significantly', 'by ' + g.pct_str(g.num(5, 40)), 'at the plant', ''])}.".replace(" .", "."),
    ]


def neg_templates(g: Gen):
    m, mo, p = g.money_pair(up=False)  # m < mo
    bm_new, bm_old, bp = g.money_pair(up=True)  # bad metric rising
    gm = g.c(GOOD_METRICS)
    bm = g.c(BAD_METRICS)
    S = g.subj()
    P = g.poss()
    per = g.period()
    cmp_ = g.compare()
    up = g.c(UP)
    down = g.c(DOWN)
    return [
        lambda: f"{P} {gm} {down} to {m} from {mo} {per}.",
        lambda: f"{gm.capitalize()} {down} to {m} from {mo}{g.c(['', ' ' + cmp_, ' ' + per])}.",
        lambda: f"{gm.capitalize()} {down} to {m} from {mo}{g.c(['', ' ' + cmp_, ' ' + per])}.",
        lambda: f"{bm.capitalize()} {up} to {bm_new} from {bm_old}{g.c(['', ' ' + cmp_, ' ' + per])}.",
        lambda: f"{gm.capitalize()} {down} to {m}{g.c(['', ' ' + cmp_, ' ' + per])}.",
        lambda: f"{P} {gm} {down} by {p} to {m} {per}.",
        lambda: f"{gm.capitalize()} {down} {p} {cmp_} to {m}.",
        lambda: f"{S} reported {gm} of {m} {per}, down from {mo} {cmp_}.",
        lambda: f"{S} said its {gm} {down} {p} {per}.",
        lambda: f"{P} {g.c(['net loss', 'operating loss', 'pre-tax loss', 'loss before taxes'])} {g.c(LOSS_WORSE)} to {bm_new} from {bm_old}.",
        lambda: f"{S} said its loss widened to {bm_new} {per}.",
        lambda: f"{S} swung to {g.c(['an operating loss', 'a net loss', 'a pre-tax loss', 'a loss'])} of {bm_new} {per}, from a profit of {mo} {cmp_}.",
        lambda: f"{S} {g.c(['posted', 'reported', 'booked'])} {g.c(['a net loss', 'an operating loss', 'a loss'])} of {bm_new} {per}.",
        lambda: f"{P} {g.c(['net loss', 'operating loss', 'pre-tax loss', 'loss before taxes'])} {g.c(['totalled', 'amounted to', 'was', 'came to'])} {bm_new} {per}.",
        lambda: f"{P} {bm} {up} to {bm_new} from {bm_old}.",
        lambda: f"{P} {bm} {up} {bp} {per}.",
        lambda: f"{bm.capitalize()} rose {bp} {per}, {g.c(['eroding margins', 'weighing on profit', 'hurting the result', 'squeezing profitability'])}.",
        lambda: f"Costs rose {g.c(['faster than sales', 'sharply', bp, 'due to higher energy prices', 'because of wage inflation'])} {per}.",
        lambda: f"{g.c(['Net debt', 'Net loss', 'Net financial expenses', 'Net debt', 'Net interest expenses'])} {g.c(['increased', 'rose', 'grew'])} to {bm_new} from {bm_old}.",
        lambda: f"{P} {gm} {g.c(['missed', 'fell short of', 'came in below', 'lagged'])} {g.c(ANALYSTS)} {g.c(['estimates', 'expectations', 'forecasts'])}.",
        lambda: f"{S} missed estimates {g.c(['as', 'after', 'because'])} {g.c(['cloud growth slowed', 'sales in China weakened', 'costs climbed', 'demand fell', 'price cuts hit margins'])}.",
        lambda: f"{P} {gm} of {m} {g.c(['missed', 'was below'])} the {g.c(['consensus forecast', 'analysts` average estimate', 'market expectation'])} of {mo}.",
        lambda: f"{S} {g.c(['cut', 'lowered', 'downgraded', 'slashed'])} its {g.c(['full-year', '2025', 'annual'])} {g.c(['guidance', 'outlook', 'profit forecast', 'sales forecast'])}.",
        lambda: f"{S} issued a profit warning, citing {g.c(['weak demand', 'higher costs', 'the price war', 'delays in deliveries', 'lower prices'])}.",
        lambda: f"{S} now expects {gm} to {g.c(['decline', 'decrease', 'fall', 'weaken'])} {g.c(['in 2025', 'this year', 'in the second half', 'from the previous year'])}.",
        lambda: f"{S} expects {g.c(['operating profit', 'net sales', 'its result', 'revenue'])} for {g.c(['2009', 'the full year', 'the current year'])} to be {g.c(['lower than', 'below', 'weaker than', 'clearly lower than'])} {g.c(['last year', 'in 2008', 'the previous year'])}.",
        lambda: f"{S} expects to {g.c(['post a loss', 'remain loss-making', 'report an operating loss'])} {g.c(['in 2025', 'this year', 'for the full year', 'in the first half'])}.",
        lambda: f"{g.c(['Price cuts', 'The price war', 'Aggressive discounting', 'Heavy subsidies'])} {g.c(['squeezed', 'squeeze', 'hurt', 'weighed on', 'eroded'])} {g.c(['margins', 'profitability', 'operating margins', P.replace('The', 'the', 1) + ' margins'])} {per}.",
        lambda: f"Shares in {g.company()} {g.c(['fell', 'dropped', 'slumped', 'tumbled', 'slid'])} {p} in {g.c(EXCHANGES)} trading {g.c(['despite record revenue', 'after the results missed forecasts', 'after it cut its outlook', 'on weak guidance', 'after a profit warning', 'as investors worried about spending'])}.",
        lambda: f"{P} shares fell {g.c(['despite record revenue', 'despite a rise in profit', 'even though sales beat estimates', 'despite strong cloud growth'])}{g.c(['', ' as margins narrowed', ' as costs rose', ' as guidance disappointed'])}.",
        lambda: f"{S} {g.c(['will cut', 'plans to cut', 'is cutting', 'will shed', 'will lay off'])} {g.count()} jobs {g.c(['', 'in ' + g.place(), 'worldwide', 'at its plant in ' + g.place(), 'to reduce costs'])}.".replace("  ", " "),
        lambda: f"{S} will {g.c(['temporarily lay off', 'lay off', 'give notice to'])} {g.count()} {g.c(['employees', 'workers', 'staff'])} {g.c(['for up to 90 days', 'at its mill', 'due to weak demand', 'in ' + g.place()])}.",
        lambda: f"The personnel negotiations {g.c(['may lead to', 'could result in', 'led to'])} {g.c(['the reduction of', 'cuts of', 'layoffs of'])} up to {g.count()} {g.c(['jobs', 'people', 'employees'])}.",
        lambda: f"{S} will close its {g.c(['plant', 'factory', 'mill', 'stores', 'unit', 'data centre'])} in {g.place()}{g.c(['', ', affecting ' + g.count() + ' employees', ' due to poor profitability'])}.",
        lambda: f"{S} was fined {g.money()} by {g.c(['the European Commission', 'China`s market regulator', 'the competition authority', 'the Financial Supervisory Authority', 'US regulators'])} {g.c(['for abusing its dominant position', 'over antitrust violations', 'for data breaches', ''])}.".replace(" .", "."),
        lambda: f"{g.c(['Regulators', 'The authorities', 'The competition watchdog', 'The SEC'])} {g.c(['opened an investigation into', 'launched a probe into', 'ordered a halt to', 'blocked'])} {P.replace('The', 'the', 1)} {g.c(['pricing practices', 'planned acquisition', 'listing', 'lending business', 'data handling'])}.",
        lambda: f"{g.c(['Export controls', 'New US restrictions', 'Tariffs', 'Sanctions'])} {g.c(['hit', 'cut', 'weighed on', 'disrupted'])} {P.replace('The', 'the', 1)} {g.c(['chip supply', 'sales in China', 'exports', 'AI chip shipments', 'revenue'])}.",
        lambda: f"{g.company()} {g.c(['downgraded', 'cut'])} {g.c(['its recommendation on', 'its rating on', 'its target price for'])} {g.company()} to {g.c(['sell', 'underperform', 'reduce', 'neutral', 'hold'])}.",
        lambda: f"{P} credit rating was {g.c(['downgraded', 'cut', 'lowered'])} by {g.c(['Moody`s', 'S&P', 'Fitch'])} to {g.c(['junk', 'BB+', 'negative', 'Ba2', 'BBB-'])}.",
        lambda: f"{P} operating margin {g.c(['fell', 'declined', 'weakened', 'narrowed'])} to {g.num(0.5, 5):.1f}% from {g.num(6, 25):.1f}%.",
        lambda: f"Demand for {g.product()} {g.c(['weakened', 'fell sharply', 'remained weak', 'slowed', 'collapsed'])} {per}.",
        lambda: f"{S} said {g.c(['weak demand', 'the strike', 'lower prices', 'the strong euro', 'higher raw material costs', 'the price war', 'supply chain problems'])} {g.c(['hurt', 'weighed on', 'reduced', 'cut into'])} {g.c(['its result', 'sales', 'profitability', gm])} {per}.",
        lambda: f"{S} {g.c(['recalled', 'had to recall'])} {g.count()} {g.c(['vehicles', 'units', 'devices', 'cars'])} because of {g.c(['a safety defect', 'faulty brakes', 'a battery fire risk', 'a software fault'])}.",
        lambda: f"{g.c(['The project', 'The launch', 'Deliveries', 'Production', 'The rollout'])} {g.c(['has been delayed', 'was postponed', 'was halted', 'faces further delays'])} {g.c(['because of technical problems', 'due to a strike', 'after a fire', 'until next year', 'owing to supply shortages'])}.",
        lambda: f"{S} {g.c(['filed for bankruptcy', 'went into administration', 'defaulted on its bonds', 'breached its loan covenants', 'filed for creditor protection'])}.",
        lambda: f"{S} booked {g.c(['an impairment charge', 'a write-down', 'restructuring costs', 'a goodwill write-off'])} of {bm_new} {per}.",
        lambda: f"{gm.capitalize()} {g.c(['halved', 'fell by half', 'more than halved', 'plunged'])} to {m} {per}.",
        lambda: f"Despite {g.c(['record revenue', 'higher sales', 'strong demand', 'growth in cloud', 'cost cuts'])}, {gm} {down} {p}.",
        lambda: f"Although {g.c(['sales rose', 'revenue grew', 'volumes increased', 'orders picked up'])}, {g.c(['operating profit', 'net profit', 'margins', 'earnings'])} {g.c(['fell', 'declined', 'weakened', 'dropped'])} {g.c(['due to price cuts', 'because costs rose', 'on higher investment', ''])}.".replace(" .", "."),
        lambda: f"The number of {g.c([x[0] for x in GOOD_COUNTS])} {g.c(['fell', 'declined', 'dropped'])} {p} to {g.num(2, 900):.1f} million.",
        lambda: f"{S} lost {g.c(['a major customer', 'the contract', 'market share', 'its largest order', 'the tender'])} {g.c(['to ' + g.company(), 'in ' + g.place(), ''])}.".replace(" .", "."),
        lambda: f"{g.c(['Market share', 'Its market share', 'The company`s market share'])} {g.c(['fell', 'decreased', 'slipped'])} to {g.num(5, 60):.0f}% in {g.place()}.",
        lambda: f"{S} said {g.c(['cloud growth', 'sales growth', 'order intake', 'demand'])} {g.c(['slowed', 'slowed sharply', 'weakened', 'stalled'])} {per}.",
        lambda: f"Workers at {P.replace('The', 'the', 1)} {g.c(['plant', 'mill', 'port', 'factory'])} in {g.place()} {g.c(['went on strike', 'walked out', 'began a strike'])}, halting production.",
        lambda: f"{gm.capitalize()} {g.c(['is expected to', 'will'])} {g.c(['fall', 'decline', 'decrease'])} by {p} {g.c(['this year', 'in 2026', 'next year'])}, the company warned.",
        *verbless_comparisons(g, good=False),
    ]


def neu_templates(g: Gen):
    ind, what = g.c(INDUSTRIES)
    gm = g.c(GOOD_METRICS)
    # a reported loss is bad news even without a comparison (newswire convention): costs only here
    bm = g.c([x for x in BAD_METRICS if "loss" not in x])
    S = g.subj()
    C = g.company()
    P = g.poss()
    per = g.period()
    m = g.money()
    return [
        lambda: f"{C} is a {g.c(COUNTRIES)} {ind} company that {what}.",
        lambda: f"{C} {what} {g.c(['in', 'across', 'mainly in'])} {g.place()}{g.c(['', ' and ' + g.place()])}.",
        lambda: f"{C} {g.c(['is headquartered', 'is based', 'has its head office'])} in {g.place()}{g.c(['', ' and employs about ' + g.count() + ' people', ' and is listed in ' + g.c(EXCHANGES[:13])])}.",
        lambda: f"The company has {g.count()} employees{g.c(['', ' in ' + str(g.r.randint(2, 40)) + ' countries', ' worldwide', ' in ' + g.place()])}.",
        lambda: f"{S} employs {g.c(['about', 'some', 'approximately', 'around', ''])} {g.count()} people.".replace("  ", " "),
        lambda: f"{P} {gm} {g.c(['totalled', 'totaled', 'amounted to', 'were', 'was', 'stood at', 'came to'])} {m} {per}.",
        lambda: f"{gm.capitalize()} {g.c(['totalled', 'amounted to', 'was'])} {m}{g.c(['', ', or ' + g.money(g.num(0.01, 3), 'EUR', '') + ' per share'])}.",
        lambda: f"{P} {g.c(['net sales', 'revenue', 'turnover'])} in {g.c(['2024', '2008', '2009', '2006', 'the last financial year'])} {g.c(['totalled', 'were', 'amounted to'])} {m}{g.c(['', ' and it employs ' + g.count() + ' people', ', of which exports accounted for ' + g.pct_str(g.num(20, 90))])}.",
        lambda: f"The deal is expected to close in {g.quarter()}{g.c(['', ', subject to regulatory approval', ' pending approval by the authorities'])}.",
        lambda: f"The transaction is {g.c(['expected to be completed', 'scheduled to close', 'subject to approval by the competition authorities and expected to be completed'])} {g.c(['in', 'by', 'during'])} {g.quarter()}.",
        lambda: f"{S} will publish its {g.c(['interim report', 'first-quarter results', 'financial statements', 'half-year report', 'earnings'])} on {g.date()}.",
        lambda: f"{g.c(['The annual general meeting', 'The AGM', 'An extraordinary general meeting', 'The capital markets day'])} will be held {g.c(['on ' + g.date(), 'in ' + g.place(), 'in ' + g.c(EXCHANGES[:13]) + ' on ' + g.date()])}.",
        lambda: f"{g.person()} has been appointed {g.c(ROLES)} of {C}{g.c(['', ' as of ' + g.date(), ', effective immediately', ', the company said'])}.",
        lambda: f"{g.person()} will {g.c(['succeed', 'replace'])} {g.person()} as {g.c(ROLES)}{g.c(['', ' on ' + g.date(), ' at the start of next year'])}.",
        lambda: f"{g.person()}, {g.c(ROLES)} of {C}, {g.c(['said in a statement', 'told reporters', 'said on ' + g.date(), 'commented on the results'])}.",
        lambda: f"{S} {g.c(['will acquire', 'has agreed to buy', 'is to acquire', 'signed an agreement to acquire'])} {g.c(['a', '100% of', 'a 51% stake in', 'the shares of', 'the remaining stake in'])} {g.c(['', g.c(COUNTRIES) + ' '])}{g.company()}{g.c(['', ' for ' + m])}.",
        lambda: f"The {g.c(['purchase price', 'acquisition price', 'value of the deal', 'total value of the contract', 'price'])} {g.c(['is', 'was', 'amounts to', 'totals'])} {m}{g.c(['', ', payable in cash', ', the parties said'])}.",
        lambda: f"Financial {g.c(['terms', 'details'])} of the {g.c(['deal', 'agreement', 'transaction', 'purchase'])} {g.c(['were not made public', 'were not disclosed by ' + g.company(), 'remain confidential'])}.",
        lambda: f"{S} {g.c(['holds', 'owns', 'has'])} a {g.num(2, 60):.0f}% stake in {g.company()}.",
        lambda: f"{C} is {g.c(['a subsidiary of', 'part of', 'owned by', 'a unit of', 'majority-owned by'])} {g.company()}.",
        lambda: f"The {g.c(['contract', 'order', 'agreement'])} {g.c(['covers', 'includes', 'comprises'])} {g.c(['the delivery of', 'the design and installation of', 'maintenance of', 'the supply of'])} {g.count()} {g.product()}{g.c(['', ' to ' + g.place(), ' over five years'])}.",
        lambda: f"Deliveries {g.c(['will begin', 'are scheduled to start', 'will take place'])} in {g.quarter()}{g.c(['', ' and be completed by the end of 2027'])}.",
        lambda: f"The {g.c(['plant', 'factory', 'data centre', 'mill', 'warehouse'])} {g.c(['is located in', 'will be built in', 'is situated in'])} {g.place()}{g.c(['', ' and will have ' + g.count() + ' square metres of space'])}.",
        lambda: f"The {g.c(['new shares', 'shares', 'bonds'])} will be {g.c(['listed', 'traded'])} on {g.c(['Nasdaq Helsinki', 'Nasdaq Stockholm', 'the Oslo Stock Exchange', 'the Hong Kong Stock Exchange', 'the main list', 'the New York Stock Exchange'])} {g.c(['from ' + g.date(), 'as of ' + g.date(), 'together with the old shares'])}.",
        lambda: f"{S} {g.c(['offers', 'provides', 'sells', 'makes'])} {g.product()} {g.c(['to', 'for'])} {g.c(['industrial customers', 'telecom operators', 'utilities', 'retailers', 'hospitals', 'the construction industry', 'shipyards', 'public sector clients'])}.",
        lambda: f"{S} operates {g.count()} {g.c(['stores', 'outlets', 'hotels', 'restaurants', 'service stations', 'data centres'])} in {g.r.randint(2, 40)} countries.",
        lambda: f"The {g.c(['report', 'figures', 'interim report', 'financial statements'])} {g.c(['are', 'have', 'is'])} {g.c(['unaudited', 'been prepared in accordance with IFRS', 'based on preliminary figures', 'not comparable with last year because of the merger'])}.".replace("have unaudited", "are unaudited").replace("is been", "has been").replace("are been", "have been").replace("have based", "are based").replace("have not comparable", "are not comparable"),
        lambda: f"The {g.c(['board', 'board of directors'])} proposes a dividend of {g.money(g.num(0.05, 3), 'EUR', '')} per share{g.c(['', ' for 2024', ' for the financial year 2008'])}.",
        lambda: f"The dividend {g.c(['will be paid on', 'record date is', 'payment date is'])} {g.date()}.",
        lambda: f"{P} {gm} {g.c(['was flat', 'remained unchanged', 'was unchanged', 'remained at the previous year`s level', 'was stable'])} at {m} {per}.",
        lambda: f"{S} expects {g.c(['net sales', 'operating profit', 'revenue', 'its result'])} {g.c(['to remain at the same level as', 'to be at the same level as', 'to stay roughly in line with', 'to be roughly unchanged from'])} {g.c(['last year', '2024', 'the previous year', '2008'])}.",
        lambda: f"{S} {g.c(['reiterated', 'maintained', 'kept', 'confirmed'])} its {g.c(['full-year', '2025', 'earlier'])} {g.c(['guidance', 'outlook', 'forecast'])}.",
        lambda: f"{S} {g.c(['launched', 'introduced', 'unveiled', 'released', 'presented'])} {g.c(['a new version of its', 'its latest', 'a new', 'an upgraded'])} {g.c(['AI model', 'language model', 'cloud service', 'smartphone', 'electric car', 'chip', 'e-commerce app', 'payment service', 'product range'])}{g.c(['', ' in ' + g.place(), ' on ' + g.date(), ' at its annual conference'])}.",
        lambda: f"The model has {g.c(['7', '14', '32', '72', '235', '480'])} billion parameters{g.c(['', ' and supports 119 languages', ' and was trained on 36 trillion tokens', ''])}.",
        lambda: f"The {g.c(['service', 'model', 'platform', 'app'])} is available in {g.r.randint(2, 60)} {g.c(['regions', 'countries', 'markets', 'languages'])}.",
        lambda: f"The {g.c(['agreement', 'contract', 'memorandum'])} was signed {g.c(['on ' + g.date(), 'in ' + g.place(), 'by both parties on ' + g.date()])}.",
        lambda: f"{g.c(['According to', 'Under'])} the {g.c(['agreement', 'plan', 'contract', 'offer'])}, {g.company()} {g.c(['will pay', 'will receive', 'will hold', 'will supply'])} {g.c([m, 'a 30% stake', 'the equipment', 'shares'])}{g.c(['', ' in two instalments', ' in ' + g.quarter()])}.",
        lambda: f"The offer price is {g.money(g.num(1, 90), 'EUR', '')} per share{g.c(['', ' in cash', ', the company said'])}.",
        lambda: f"The {g.c(['tender offer', 'subscription period', 'offer period', 'share buyback programme'])} {g.c(['begins', 'will start', 'runs from'])} {g.date()}{g.c(['', ' and ends on ' + g.date()])}.",
        lambda: f"{g.person()} {g.c(['bought', 'sold'])} {g.count()} shares of {C} at {g.money(g.num(1, 90), 'EUR', '')} per share, according to a stock exchange release.",
        lambda: f"{C} {g.c(['currently', 'now', ''])} {g.c(['has', 'holds'])} {g.count()} {g.c(['shares outstanding', 'shareholders', 'customers in the region', 'patents'])}.".replace("  ", " "),
        lambda: f"{S} {g.c(['will report', 'reports'])} its results in {g.c(['euros', 'US dollars', 'Swedish crowns', 'yuan', 'Hong Kong dollars'])}{g.c(['', ' from ' + g.date()])}.",
        lambda: f"{P} {g.c(['fiscal year', 'financial year'])} {g.c(['ends on March 31', 'runs from April to March', 'is the calendar year', 'ends in June'])}.",
        lambda: f"{g.c(['Prices', 'Fees', 'Tariffs', 'Rents'])} {g.c(['range from', 'vary from'])} {g.money(g.num(1, 90), 'EUR', '')} to {g.money(g.num(100, 900), 'EUR', '')}{g.c(['', ' per month', ' per unit'])}.",
        lambda: f"{S} said it {g.c(['is considering', 'is evaluating', 'is studying', 'will assess'])} {g.c(['strategic options for', 'the future of', 'a possible listing of', 'a sale of'])} its {g.c(['logistics unit', 'cloud business', 'Nordic operations', 'paper mill', 'retail arm'])}.",
        lambda: f"{S} {g.c(['declined to comment on', 'did not comment on', 'would not disclose'])} {g.c(['the talks', 'the report', 'its plans', 'the financial terms', 'the market rumours'])}.",
        lambda: f"{g.c(['The bank', 'The central bank', 'The Riksbank', 'The ECB', 'The People`s Bank of China'])} {g.c(['kept', 'left'])} its {g.c(['key interest rate', 'policy rate', 'benchmark rate'])} {g.c(['unchanged at', 'at'])} {g.num(0.5, 6):.2f}%.",
        lambda: f"{S} {g.c(['has', 'runs', 'operates'])} {g.c(['production facilities', 'offices', 'research centres', 'sales units'])} in {g.place()}, {g.place()} and {g.place()}.",
        lambda: f"{C} {g.c(['was founded', 'was established', 'started operations'])} in {g.r.randint(1850, 2020)}{g.c(['', ' and is headquartered in ' + g.place(), ' in ' + g.place()])}.",
        lambda: f"{gm.capitalize()} {g.c(['for', 'in'])} {g.c(['the first quarter', '2024', 'the period', 'January-June'])} {g.c(['included', 'includes', 'contains'])} {g.c(['a one-off gain of', 'non-recurring items of', 'restructuring costs of', 'a capital gain of'])} {m}.",
        lambda: f"{P} {bm} {g.c(['totalled', 'amounted to', 'were', 'was'])} {m} {per}.",
        lambda: f"The {g.c(['survey', 'study', 'report', 'index'])} {g.c(['was conducted', 'is published', 'covers'])} {g.c(['by ' + g.company(), 'quarterly', str(g.count()) + ' companies', 'in ' + g.place()])}.",
        lambda: f"{S} {g.c(['plans to', 'will', 'intends to'])} {g.c(['relocate its headquarters to', 'open an office in', 'move its listing to', 'change its name to ' + g.company() + ' in'])} {g.place()}{g.c(['', ' in ' + g.quarter()])}.",
        lambda: f"{S} {g.c(['will invest', 'is investing', 'invested'])} {m} in {g.c(['the project', 'the new plant', 'data centres', 'the upgrade', 'the expansion'])}{g.c(['', ' over three years', ', the company said'])}.",
        lambda: f"{S} {g.c(['serves', 'works with', 'sells mainly to', 'has customers among'])} {g.c(['business-to-business customers', 'small and medium-sized companies', 'telecom operators', 'public sector organisations', 'consumers', 'the forest industry', 'car makers', 'shipyards'])}{g.c(['', ' in ' + g.place(), ' in more than ' + str(g.r.randint(5, 90)) + ' countries'])}.",
        lambda: f"The {g.c(['system', 'service', 'app', 'platform', 'device', 'software'])} {g.c(['allows', 'lets', 'enables'])} {g.c(['customers', 'users', 'merchants', 'operators', 'drivers', 'hospitals'])} to {g.c(['pay with their phones', 'track shipments in real time', 'order goods online', 'monitor energy use', 'manage inventories', 'book appointments', 'translate documents', 'analyse sales data'])}.",
        lambda: f"The {g.c(['plant', 'mill', 'factory', 'unit', 'facility'])} {g.c(['produces', 'makes', 'will produce', 'has an annual capacity of'])} {g.c(['about', 'some', 'up to'])} {g.count()} {g.c(['tonnes of board', 'tonnes of steel', 'cars', 'units', 'tonnes of pulp', 'megawatts of electricity', 'tonnes of food products'])} {g.c(['a year', 'per year', 'annually'])}.",
        lambda: f"It will {g.c(['provide', 'supply', 'deliver'])} {g.c(['heat', 'electricity', 'steam', 'data services', 'spare parts'])} {g.c(['for the mill', 'to the town of ' + g.place(), 'for the plant', 'to local customers'])}.",
        lambda: f"{g.person()}, {g.c(ROLES)} of {C}, {g.c(['says', 'said'])} the {g.c(['retail', 'cloud', 'food', 'steel', 'telecom', 'software', 'construction', 'logistics'])} {g.c(['market', 'sector', 'industry'])} in {g.place()} is {g.c(['fragmented', 'consolidating', 'highly competitive', 'regulated', 'dominated by a few players', 'changing'])}.",
        lambda: f"The {g.c(['products', 'goods', 'services', 'models'])} are {g.c(['sold', 'distributed', 'marketed', 'offered'])} {g.c(['through', 'via'])} {g.c(['retailers', 'its own stores', 'online channels', 'partners', 'a network of dealers', 'the company website'])}{g.c(['', ' in ' + g.place()])}.",
        lambda: f"The {g.c(['vessels', 'ferries', 'trains', 'trucks', 'aircraft'])} will {g.c(['operate', 'run', 'be used'])} {g.c(['between ' + g.place() + ' and ' + g.place(), 'on domestic routes', 'in ' + g.place()])}.",
        lambda: f"The {g.c(['decision', 'proposal', 'appointment', 'change'])} {g.c(['was made by', 'was approved by', 'requires the approval of'])} {g.c(['the board', 'the shareholders', 'the annual general meeting', 'the supervisory board', 'the authorities'])}.",
        lambda: f"{g.c(['Travel expenses', 'Board fees', 'Costs of the offer', 'Transfer taxes', 'Fees'])} {g.c(['will be paid', 'are paid', 'will be reimbursed', 'are borne'])} {g.c(['by the company', 'by the buyer', 'in accordance with company policy', 'in cash'])}.",
        lambda: f"The {g.c(['report', 'study', 'statement', 'release', 'presentation'])} {g.c(['describes', 'explains', 'outlines', 'covers'])} {g.c(['the company`s operations', 'the group`s strategy', 'the main risks', 'the market situation', 'the new organisation', 'the terms of the offer'])}.",
        lambda: f"{g.c(['The company', 'It', 'The group'])} {g.c(['was', 'is'])} formerly known as {g.company()}.",
        lambda: f"{C} {g.c(['designs', 'manufactures', 'develops', 'markets', 'distributes'])} {g.product()} {g.c(['for', 'used in', 'for customers in'])} {g.c(['the energy sector', 'shipping', 'mining', 'retail', 'telecoms', 'hospitals', 'data centres', 'the paper industry'])}.",
        lambda: f"The {g.c(['share capital', 'number of shares', 'number of votes'])} {g.c(['is', 'totals', 'now totals'])} {g.count()}{g.c([',000', ' million', ''])}{g.c(['', ' after the registration', ''])}.",
        lambda: f"{g.c(['Customers', 'Users', 'Passengers', 'Drivers'])} {g.c(['can', 'will be able to'])} {g.c(['pay by card', 'use the service', 'book tickets online', 'charge their cars', 'choose between three plans'])} {g.c(['from ' + g.date(), 'at all stations', 'in ' + g.place(), 'via the app'])}.",
        lambda: f"{g.c(['The issue', 'The bond', 'The loan', 'The facility', 'The programme'])} {g.c(['has a maturity of', 'runs for', 'matures in'])} {g.c(['five years', 'three years', '2030', 'seven years', 'ten years'])}{g.c(['', ' and carries a fixed coupon of ' + f'{g.num(1, 8):.2f}%'])}.",
        lambda: f"{g.c(['The data', 'Figures', 'Comparative figures', 'The numbers'])} {g.c(['refer to', 'are for', 'cover'])} {g.c(['continuing operations', 'the parent company', 'the group as a whole', 'the period ending ' + g.date()])}.",
        lambda: f"{g.c(['Some', 'About', 'Around'])} {g.count()} {g.c(['people', 'employees', 'experts', 'engineers'])} {g.c(['work', 'are employed'])} {g.c(['at the site', 'in the unit', 'in research and development', 'in sales', 'in ' + g.place()])}.",
        lambda: f"The {g.c(['conference call', 'press conference', 'webcast', 'briefing'])} will {g.c(['start', 'be held'])} at {g.r.randint(8, 17)}:{g.c(['00', '30'])} {g.c(['CET', 'EET', 'Finnish time', 'Beijing time', 'GMT'])}{g.c(['', ' on ' + g.date()])}.",
    ]


_LOWERABLE = {w.split()[0].lower() for w in GOOD_METRICS + BAD_METRICS} | {
    "the", "shares", "demand", "costs", "despite", "although", "price", "deliveries", "prices",
    "fees", "tariffs", "rents", "financial", "market", "its", "regulators", "export", "new",
    "sanctions", "aggressive", "heavy", "workers", "net", "lower", "higher", "cost", "customer",
    "profitability", "inventory", "inventories", "cash", "earnings", "order", "sales", "production",
    "interest", "bad", "gross", "operating", "revenue", "loss", "orders"}


def render_spaced(text: str) -> str:
    """Newswire-corpus tokenisation style: spaces before punctuation and clitics."""
    t = re.sub(r"(?<!\d),|,(?!\d)", " , ", text)
    t = re.sub(r"([;:!?()])", r" \1 ", t)
    t = re.sub(r"\.$", " .", t)
    t = re.sub(r"'s\b", " 's", t)
    t = re.sub(r"(\d)%", r"\1 %", t)
    t = re.sub(r"\s+", " ", t).strip()
    return t


def _clean(s: str) -> str:
    s = re.sub(r"\s+", " ", s).strip().replace("`", "'")
    s = s.replace(" ,", ",").replace(" .", ".").replace("'s's", "'s")
    s = s[0].upper() + s[1:]
    return s


def generate(per_class, seed: int, spaced_fraction: float = 0.35, numeric: int = 0) -> list[dict]:
    """Template sentences; ``per_class`` is an int or a {label: count} dict. ``numeric``: extra
    positive and negative sentences each where only the figures tell the direction
    (:func:`verbless_comparisons`)."""
    g = Gen(seed)
    out: list[dict] = []
    passes = [(lab, fn, per_class[lab] if isinstance(per_class, dict) else per_class)
              for lab, fn in (("positive", pos_templates), ("negative", neg_templates), ("neutral", neu_templates))]
    passes += [("positive", lambda g: verbless_comparisons(g, True), numeric),
               ("negative", lambda g: verbless_comparisons(g, False), numeric)]
    for label, fn, want in passes:
        if not want:
            continue
        seen: set[str] = set()
        n_tpl = len(fn(g))
        tries = 0
        k = 0
        while len(seen) < want and tries < want * 20:
            tries += 1
            tpls = fn(g)
            # cycle through templates so every pattern is represented, random order within cycles
            s = _clean(tpls[k % n_tpl]() if g.r.random() < 0.7 else g.r.choice(tpls)())
            k += 1
            if g.r.random() < 0.25 and " said" not in s and " warned" not in s:
                first = s.split()[0]
                if first.lower() in _LOWERABLE:
                    s = _clean(g.c(["According to the company, ", "The company said that ", f"{g.company()} said that ",
                                    "In a statement, ", "The group said ", "Analysts noted that ",
                                    f"{g.company()} said ", "It said "]) + s[0].lower() + s[1:])
                elif not first.endswith("'s"):
                    s = _clean(g.c(["According to the company, ", "In a statement, ", "Analysts noted that ",
                                    "On " + g.date() + ", ", "As reported earlier, "]) + s)
            if g.r.random() < spaced_fraction:
                s = render_spaced(s)
            if s in seen:
                continue
            seen.add(s)
            out.append({"text": s, "label": label, "source": "template"})
    return out


def handwritten_files() -> list[Path]:
    """``handwritten.jsonl`` (the first, hard-case set) plus the topical ``handwritten_*.jsonl`` files."""
    return [p for p in [HERE / "handwritten.jsonl", *sorted(HERE.glob("handwritten_*.jsonl"))] if p.exists()]


def load_handwritten() -> list[dict]:
    rows = []
    for p in handwritten_files():
        for line in p.read_text(encoding="utf-8").splitlines():
            if line.strip():
                d = json.loads(line)
                assert d["label"] in ("positive", "negative", "neutral"), (p.name, d)
                rows.append({"text": d["text"], "label": d["label"], "source": p.stem})
    return rows


_GENERIC_SUBJECT = re.compile(r"^The (company|group|firm)('s)?\b")


def vary_subject(text: str, g: Gen) -> str:
    """'The company ...' -> '<company name> ...' (names from the template vocabulary)."""
    m = _GENERIC_SUBJECT.match(text)
    if not m:
        return text
    return g.company().strip() + (m.group(2) or "") + text[m.end():]


# template sentences per label: a minority of the corpus now that most of it is hand-written
TEMPLATE_COUNTS = {"positive": 350, "negative": 350, "neutral": 450}
# plus this many positive and negative figure-versus-figure sentences each (no direction word)
TEMPLATE_NUMERIC = 400


def build(template_counts: dict | None = None, seed: int = 7, core_repeat: int = 2,
          spaced_fraction: float = 0.3, name_fraction: float = 0.3, numeric: int = TEMPLATE_NUMERIC) -> list[dict]:
    """Templates + every hand-written sentence once (``handwritten.jsonl``, the original hard cases,
    ``core_repeat`` times). Seeded variation of the hand-written rows: a share starting with 'The
    company/group/firm' gets a company name instead, and a share is rendered in the spaced newswire style."""
    rows = generate(template_counts or TEMPLATE_COUNTS, seed, numeric=numeric)
    seen = {d["text"].lower() for d in rows}
    g = Gen(seed + 1)
    for d in load_handwritten():
        if d["text"].lower() in seen and d["source"] != "handwritten":
            continue
        seen.add(d["text"].lower())
        reps = core_repeat if d["source"] == "handwritten" else 1
        for _ in range(reps):
            t = d["text"]
            if d["source"] != "handwritten" and g.r.random() < name_fraction:
                t = vary_subject(t, g)
            t = render_spaced(t) if g.r.random() < spaced_fraction else t
            rows.append({**d, "text": t})
    g.r.shuffle(rows)
    return rows


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--template-positive", type=int, default=TEMPLATE_COUNTS["positive"])
    ap.add_argument("--template-negative", type=int, default=TEMPLATE_COUNTS["negative"])
    ap.add_argument("--template-neutral", type=int, default=TEMPLATE_COUNTS["neutral"])
    ap.add_argument("--template-numeric", type=int, default=TEMPLATE_NUMERIC,
                    help="extra figure-versus-figure sentences per label (positive and negative)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", default=str(HERE / "train.jsonl"))
    a = ap.parse_args(argv)
    rows = build({"positive": a.template_positive, "negative": a.template_negative,
                  "neutral": a.template_neutral}, a.seed, numeric=a.template_numeric)
    with open(a.out, "w", encoding="utf-8") as f:
        for d in rows:
            f.write(json.dumps({"text": d["text"], "label": d["label"]}, ensure_ascii=False) + "\n")
    from collections import Counter
    by_src = Counter("template" if d["source"] == "template" else "handwritten" for d in rows)
    print(f"wrote {len(rows)} rows to {a.out}: {dict(Counter(d['label'] for d in rows))}; by source {dict(by_src)}")


if __name__ == "__main__":
    main()
