"""The attribution lexicon: verbs of saying (spaCy lemmas) and the head nouns that tell statements,
documents, offices, organisations and people apart. General English, nothing of any one article."""

from __future__ import annotations

#: Verbs of saying whose complement is reported speech (spaCy lemmas, both spellings).
SPEECH_LEMMAS = frozenset({
    "say", "tell", "add", "announce", "accuse", "insist", "note", "state", "declare", "claim", "deny",
    "confirm", "warn", "explain", "argue", "report", "write", "stress", "emphasize", "emphasise",
    "assert", "acknowledge", "admit", "reveal", "disclose", "predict", "promise", "vow", "pledge",
    "reiterate", "repeat", "comment", "remark", "reply", "respond", "answer", "conclude", "mention",
    "caution", "complain", "concede", "contend", "allege", "hint", "inform", "recall", "testify",
    "tweet", "blame", "maintain", "observe", "underline", "underscore", "suggest", "estimate",
    "assure", "boast", "lament", "threaten", "urge",
})
#: Verbs that attribute a quote but never report a clause of their own ("…," she continued).
QUOTE_ONLY_LEMMAS = frozenset({"call", "describe", "continue", "put", "joke", "quip", "shout", "scream",
                               "exclaim", "whisper", "recount", "brand", "dub", "label",
                               # headline verbs: "X hails 'a new dawn'", "X slams 'reckless' plan"
                               "hail", "slam", "blast"})
#: Verbs of forecasting and announcing: they attribute their object too ("the company forecast
#: revenue of $16 billion", "analysts predict a shortage"), not only a reported clause.
OBJECT_LEMMAS = frozenset({"forecast", "predict", "expect", "project", "anticipate", "announce", "estimate",
                           "highlight", "unveil", "report", "confirm", "reveal", "disclose", "promise", "pledge",
                           "propose", "outline", "signal", "flag"})
#: Nouns naming a forecast or an expectation: their possessor speaks ("analysts' expectations of …").
FORECAST_NOUNS = frozenset({"forecast", "expectation", "estimate", "prediction", "projection", "guidance",
                            "outlook", "target"})
#: Verbs that issue a forecast noun ("issued revenue guidance of $16 billion").
ISSUE_FORECAST_LEMMAS = frozenset({"issue", "give", "provide", "offer", "raise", "lift", "lower", "cut"})
_CUE_LEMMAS = SPEECH_LEMMAS | QUOTE_ONLY_LEMMAS | OBJECT_LEMMAS
#: Verbs whose reported content is "OBJECT of/for …" ("accused the government of negligence").
ACCUSE_LEMMAS = frozenset({"accuse", "blame", "criticize", "criticise", "praise", "thank", "credit", "condemn"})
#: Verbs whose reported content may be an infinitive or gerund ("claimed to have…", "denied having…").
XCOMP_LEMMAS = frozenset({"claim", "deny", "admit", "promise", "vow", "pledge", "threaten", "urge", "acknowledge"})
#: Verbs with a listener object before the report ("told reporters that…").
LISTENER_LEMMAS = frozenset({"tell", "inform", "assure", "warn", "remind", "notify", "promise"})
#: Verbs that only count as speech with a clause (never as a bare quote cue).
CLAUSE_ONLY_LEMMAS = frozenset({"suggest", "estimate", "urge", "maintain", "observe", "recall"})

#: Nouns naming a written statement: their issuer speaks ("a ministry press release", "the statement").
STATEMENT_NOUNS = frozenset({
    "statement", "release", "readout", "communique", "communiqué", "communication", "announcement",
    "declaration", "memo", "letter", "transcript", "bulletin", "notice", "report", "tweet", "post",
})
#: Nouns for documents that speak for whoever published them ("figures published by the ministry"),
#: else for themselves ("according to port records").
DOCUMENT_NOUNS = frozenset({"figures", "figure", "data", "records", "record", "documents", "document", "estimates",
                            "statistics", "survey", "poll", "study", "filing", "filings", "minutes", "papers"})
#: Nouns for the people speaking on someone's behalf: "Lind's office" → lind:office.
OFFICE_NOUNS = frozenset({
    "office", "team", "campaign", "staff", "spokesman", "spokeswoman", "spokesperson", "spokespeople",
    "aide", "aides", "representative", "representatives", "press", "secretary", "camp", "entourage",
    "lawyer", "lawyers", "attorney", "attorneys", "spokesmen", "spokeswomen",
})
#: Head nouns of organisations: a capitalised phrase ending in one is not a person's name.
ORG_WORDS = frozenset({
    "ministry", "department", "house", "office", "agency", "council", "committee", "party", "government",
    "bank", "company", "corporation", "corp", "inc", "ltd", "union", "court", "police", "army", "navy",
    "service", "services", "commission", "board", "parliament", "assembly", "coastguard", "guard",
    "authority", "authorities", "administration", "institute", "university", "school", "hospital",
    "association", "federation", "league", "organisation", "organization", "group", "foundation",
    "fund", "forces", "force", "senate", "congress", "cabinet", "embassy",
    "consulate", "mission", "secretariat", "network", "news", "press", "times", "post", "agency",
    "airlines", "airways", "railways", "ferries", "lines", "club", "society", "centre", "center",
    "team", "campaign", "state", "states", "nations", "republic", "kingdom", "city", "county",
    "management", "leadership",
})
#: Nouns for people by role: subjects headed by one are persons (pronoun "he"/"she").
PERSON_NOUNS = frozenset({
    "president", "minister", "premier", "chancellor", "king", "queen", "prince", "princess", "pope",
    "spokesman", "spokeswoman", "spokesperson", "commander", "captain", "mayor", "governor", "senator",
    "congressman", "congresswoman", "lawmaker", "chief", "director", "secretary", "chairman",
    "chairwoman", "chair", "leader", "official", "officer", "manager", "executive", "ceo", "head",
    "founder", "judge", "lawyer", "attorney", "prosecutor", "inspector", "witness", "passenger",
    "resident", "survivor", "driver", "pilot", "doctor", "nurse", "teacher", "engineer", "expert",
    "analyst", "economist", "scientist", "researcher", "professor", "diplomat", "ambassador", "envoy",
    "bishop", "priest", "general", "colonel", "admiral", "sergeant", "harbourmaster", "harbormaster",
    "fisherman", "farmer", "owner", "worker", "employee", "member", "candidate", "nominee", "deputy",
    "aide", "adviser", "advisor", "negotiator", "activist", "campaigner", "organiser", "organizer",
    "coach", "player", "student", "man", "woman", "mother", "father", "son", "daughter", "wife",
    "husband", "boss", "veteran", "host", "presenter", "journalist", "reporter", "editor", "author",
    "writer", "mp", "councillor", "councilor", "sheriff", "constable", "superintendent", "detective",
    "rabbi", "imam", "emir", "sultan", "monarch", "vice", "president-elect", "premier-elect", "treasurer",
    "auditor", "regulator", "ombudsman", "commissioner", "trustee", "dean", "principal", "physician",
    "surgeon", "crew", "skipper", "operator", "spokesperson", "representative", "delegate", "senior",
    "winner", "star", "superstar", "striker", "forward", "midfielder", "defender", "goalkeeper", "footballer",
    "athlete", "champion", "singer", "actor", "actress", "billionaire", "entrepreneur", "investor", "co-pilot",
})
#: Generic nouns by which an article refers back to an organisation it has named ("Brightwater
#: Ferries apologised … the company said" → the company is Brightwater Ferries).
GENERIC_ORG_NOUNS = frozenset({
    "company", "firm", "operator", "airline", "carrier", "business", "corporation", "manufacturer",
    "insurer", "lender", "retailer", "broadcaster", "publisher", "developer", "contractor", "group",
    "conglomerate", "chain", "utility", "charity", "startup", "automaker", "carmaker", "bank",
    "club", "side", "league", "federation",
})
#: Heads of state or government: "Tessalian President X" also makes "the Tessalian leader" X.
LEADER_TITLES = frozenset({"president", "prime minister", "premier", "chancellor", "king", "queen", "emir",
                           "sultan", "monarch"})

#: Verbs by whose agent a statement is issued ("released by", not "seen by").
_ISSUING_LEMMAS = {"release", "issue", "publish", "prepare", "write", "send", "distribute", "post", "sign",
                   "produce", "compile", "draft", "circulate", "put"}
_DETERMINERS = {"the", "a", "an", "this", "that", "these", "those", "its", "their", "his", "her", "our"}
_HONORIFICS = {"mr", "mrs", "ms", "miss", "mx", "dr", "sir", "dame", "lord", "lady", "madam", "messrs"}
_NAME_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}
_PREPOSITIONS = ("of", "for", "from", "at", "in", "with", "on", "within")
_PRONOUNS = {"he": "person", "she": "person", "it": "org", "they": "group", "him": "person", "her": "person"}
_RELATIVES = {"who", "which", "that"}
_MODALS = {"will", "would", "may", "might", "could", "should", "shall", "must", "can", "'ll", "wo", "ca"}
