"""Word lists: person names from installed packages, and hand-kept German vocabulary.

Person names come from two well-kept PyPI packages, read from the files they ship (no
download at run time), once per process and only when first needed:

* ``gender-guesser`` bundles Jörg Michael's name dictionary (``nam_dict.txt``, about 45,000
  first names with a frequency per country, from Germany and Turkey to Arabia/Persia,
  Russia, Ukraine, Poland and the Balkans). A name counts if it reaches
  :data:`MIN_FIRST_NAME_FREQUENCY` in at least one country.
* ``Faker`` ships first names and surnames per locale. Surnames matter most: the German,
  Austrian, Swiss, Turkish, Polish, Italian, Balkan and Vietnamese lists are used as they
  are; the Russian, Ukrainian and Bulgarian lists are transliterated from Cyrillic the way
  German offices write them ("Иванов" → "Iwanow") and the English way ("Ivanov").

Many names are also ordinary German words ("Rosa", "Wolf", "Mai", "Koch", "Richter",
"Kosten"). The hand-kept lists below say which: such a word counts as a name only in a
context that makes it one (see :mod:`bot.privacy.names`).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Final

from bot.privacy.text import fold, fold_variants, word_variants

#: A first name from the gender-guesser dictionary counts from this frequency class on
#: (1 = rare … 13 = extremely common, per country). Chosen by the evaluation in
#: docs/privacy-gate.md: 1 adds thousands of rare spellings that collide with words.
MIN_FIRST_NAME_FREQUENCY: Final = 2

# Faker locales whose person names are written in Latin script.
_LATIN_LOCALES: Final = (
    "de_DE", "de_AT", "de_CH", "tr_TR", "pl_PL", "it_IT", "hr_HR", "ro_RO", "cs_CZ",
    "sk_SK", "sl_SI", "hu_HU", "lt_LT", "lv_LV", "az_AZ", "vi_VN", "nl_NL", "fr_FR",
    "en_US", "es_ES", "pt_PT",
)  # fmt: skip
# Faker locales written in Cyrillic, transliterated.
_CYRILLIC_LOCALES: Final = ("ru_RU", "uk_UA", "bg_BG")

_FIRST_NAME_ATTRIBUTES: Final = ("first_names", "first_names_male", "first_names_female")
_LAST_NAME_ATTRIBUTES: Final = (
    "last_names",
    "last_names_male",
    "last_names_female",
    "male_last_names",
    "unisex_last_names",
)

# German (Duden-style) and English transliteration of Russian, Ukrainian and Bulgarian.
_CYRILLIC_DE: Final = {
    "а": "a", "б": "b", "в": "w", "г": "g", "ґ": "g", "д": "d", "е": "e", "є": "je",
    "ё": "jo", "ж": "sch", "з": "s", "и": "i", "і": "i", "ї": "ji", "й": "j", "к": "k",
    "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "ch", "ц": "z", "ч": "tsch", "ш": "sch", "щ": "schtsch",
    "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "ju", "я": "ja",
}  # fmt: skip
_CYRILLIC_EN: Final = {
    **_CYRILLIC_DE,
    "в": "v", "ж": "zh", "з": "z", "й": "y", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ю": "yu", "я": "ya", "є": "ye", "ё": "yo", "ї": "yi",
}  # fmt: skip


def _words(block: str) -> frozenset[str]:
    """The word keys of a whitespace-separated block, with "ae/oe/ue" spellings."""
    return frozenset(variant for word in block.split() for variant in word_variants(word))


# ---------------------------------------------------------------------------------------
# Hand-kept German vocabulary (folded at import; lists are in normal spelling)
# ---------------------------------------------------------------------------------------

#: Articles, pronouns, prepositions, conjunctions, auxiliaries and frequent adverbs: never
#: a name ("Am", "Sie", "Man" and "Will" are first names somewhere in the world).
FUNCTION_WORDS: Final = _words(
    """
    der die das den dem des ein eine einen einem einer eines kein keine keinen keinem
    keiner keines mein meine meinen meinem meiner meines dein deine deinen deinem deiner
    sein seine seinen seinem seiner seines ihr ihre ihren ihrem ihrer ihres unser unsere
    unseren unserem unserer euer eure ich du er sie es wir mich dich sich uns euch mir dir
    ihm ihn ihnen man jemand niemand alle allen aller alles jeder jede jedes jeden jedem
    dieser diese dieses diesen diesem jener jene welche welcher welches welchen was wer
    wen wem wessen in im an am auf aus bei beim mit nach seit von vom zu zum zur durch für
    gegen ohne um bis ab über unter vor hinter neben zwischen wegen trotz während statt
    laut gemäß ins ans aufs und oder aber denn sondern doch dass daß ob wenn weil als wie
    da damit obwohl sobald bevor nachdem falls sowie bzw sowohl weder noch nicht auch nur
    schon sehr so dann jetzt hier dort heute morgen gestern immer nie oft mal wieder etwa
    ca ja nein bitte danke ganz gar eher fast kaum mehr weniger viel viele vielen wenig
    wenige einige manche mehrere beide beiden ist sind war waren wird werden wurde wurden
    hat haben hatte hatten sei seien wäre wären kann können konnte muss müssen soll sollen
    will wollen darf dürfen mag möchte möchten bin bist seid habe hast ok okay hallo hi hey
    oh ah na naja also eben halt zwar zudem außerdem dennoch trotzdem deshalb daher darum
    somit sonst wo wohin woher wann warum wieso weshalb usw etc dh ua zb gern gerne selbst
    sofort bald danach dabei dafür dagegen davon dazu darin darauf daran zuerst zuletzt
    leider vielleicht sicher bereits inzwischen seitdem bisher derzeit aktuell zurzeit
    insgesamt teilweise zusammen allein alleine einmal zweimal dreimal erst letzte letzten
    nächste nächsten neue neuen neuer alte alten älteste jüngste älteren jüngeren
    kw nr fürs ums aufs vors übers the a an and or of to is are you we he she it they one
    this that with for on at by from not no yes my your our their be do have good nice
    love best over little long young day boy boys black white case per
    """
)

#: Family roles and people by relation or profession; a name may follow them.
ROLE_WORDS: Final = _words(
    """
    mutter vater sohn tochter kind kinder oma opa omi opi großmutter großvater eltern
    elternteil bruder schwester geschwister onkel tante cousin cousine nichte neffe enkel
    enkelin enkelkind enkelsohn enkeltochter stiefvater stiefmutter stiefsohn stieftochter
    stiefkind halbbruder halbschwester kindsmutter kindesmutter kindsvater kindesvater km
    kv pflegemutter pflegevater pflegeeltern pflegekind pflegesohn pflegetochter
    adoptivmutter adoptivvater partner partnerin lebensgefährte lebensgefährtin freund
    freundin ehemann ehefrau mann baby säugling kleinkind mädchen junge jugendliche
    jugendlicher zwilling zwillinge schwager schwägerin schwiegermutter schwiegervater
    lehrer lehrerin klassenlehrer klassenlehrerin erzieher erzieherin nachbar nachbarin
    vormund pate patin betreuer betreuerin mama papa mami papi vati mutti uroma uropa
    ältester älteste jüngster jüngste großtante großonkel kollege kollegin
    """
)

#: Strong triggers: the next capitalised word is a name even if it is also a word
#: ("Herr Wolf", "Familie Klein", "heißt Rosa").
TITLE_TRIGGERS: Final = _words("frau herr herrn fr hr frl familie fam eheleute ehepaar")
VERB_TRIGGERS: Final = _words(
    "heißt heisst hieß hiess namens genannt vorname nachname rufname name spitzname"
)
#: Academic titles skipped between a trigger and the name ("Herr Dr. Krüger").
ACADEMIC_TITLES: Final = _words("dr prof dipl med mag")

#: Kinds of institutions and the last parts of institution and street compounds: a
#: hyphenated compound ending in one of these is a place, not a person
#: ("Lise-Meitner-Schule", "Willy-Brandt-Straße").
INSTITUTION_WORDS: Final = _words(
    """
    kita krippe kindergarten kindertagesstätte hort schule grundschule gesamtschule
    gemeinschaftsschule gymnasium realschule hauptschule förderschule berufsschule
    oberschule stadtteilschule jugendamt jobcenter familienzentrum familienkasse
    krankenkasse kinderklinik klinik krankenhaus praxis polizei gericht familiengericht
    amtsgericht jugendhaus jugendzentrum verein kirchengemeinde gemeinde moschee tafel
    beratungsstelle frauenhaus wohngruppe tagesgruppe asd haus zentrum stiftung kirche
    heim halle bad center werk hilfe hilfen gruppe platz straße strasse str weg allee
    ring damm chaussee gasse stieg park bibliothek museum universität hochschule akademie
    institut kolleg campus stadion arena bahnhof markt siedlung
    """
)

#: Everyday nouns that are also surnames or first names somewhere but are nearly always
#: the noun in case texts ("Kosten", "Kinder", "Schüler", "Glück"). They count as names
#: only directly after "Frau" or "Herr".
COMMON_NOUNS: Final = _words(
    """
    hilfe unterstützung zeit geld mut kraft ruhe angst sorge sorgen glück kosten kinder
    schüler schülerin mann halt rat raum platz kontakt geduld sicherheit struktur arbeit
    schule familie abend morgen tag woche monat jahr ende anfang mitte nord süd ost haus
    wohnung auto bus termin gespräch frage antwort ziel wille wunsch idee plan weg stadt
    land dorf amt gericht arzt ärztin klinik therapie schuld schulden miete essen wasser
    licht nacht sonne urlaub reise liebe leben tod trauer freude spaß spiel sport handy
    film musik buch brief post karte ausweis pass name nummer adresse größe kopf hand herz
    blut zahn krankheit drogen alkohol gewalt streit krieg flucht heimat sprache profi
    azubi abi uni taxi pulli baby rentner lehrer fahrer pfleger trainer chef boss
    nachbar vermieter anwalt beamter kasse bank konto laden tisch bett zimmer küche
    garten hof dach tür fenster stock etage heizung wärme kälte ferien klasse note zeugnis
    test kurs team runde treffen beratung fall thema akte bericht antrag bescheid frist
    wochenende paar ehe trennung umgang besuch nähe grenze regel strafe lob ordnung
    gott glaube wut scham stolz ehre respekt vertrauen vorsicht gefahr risiko chance
    erfolg krise notfall kur reha entgiftung haft bewährung profil kanal video foto bild
    nachricht anruf mail heim held park ring berg tal see meer wald feld wiese baum
    blume vogel hund katze pferd huhn hahn kaiser könig prinz graf ritter meister
    zweck ausbildung praktikum job einkommen bürgergeld kindergeld unterhalt sozialhilfe
    wohngeld elterngeld jugendamt jobcenter polizei hausaufgaben mathe englisch deutsch
    hausarzt kinderarzt zahnarzt psychologe psychologin therapeut therapeutin
    dolmetscher dolmetscherin übersetzer fachkraft fachkräfte leitung
    schutz trost spaß spass sinne tat sieg güte hass kummer mangel mängel rausch karma
    heil länge masse maße ware titel tage tür türe hände häuser bücher brüder vögel dörfer
    wälder gläser nägel töne bäder schlösser hölzer lämmer ärmel trümmer ding osten gas
    tasche mist obst salz pfeffer müsli wodka mathe jura melodie skala säule meile liga
    tram song pop rock server kino grab grund zimmer bar ball ära wende min std sek
    angebot angebote alltag hausaufgaben einkauf geschenk geschenke rücken gebet gebete
    öle rüben putz nickel granit curry salami uran ruin alibi ion gulden mayo alfa ping
    fang gang gene gen duo back real bravo par page hall cross ende mitte anfang
    english englisch german chaos jeans gans händler riss ruß moos talkshow whisky pils klo
    klos schenkel völker tore aura beat alias mars remis ritus kautschuk arsen anus siemens
    nissan uno assi amis fellow
    """
)

#: Nouns that are also common names: a name only in context ("Herr Wolf", "die Tochter
#: Rosa", "Ernst Hoffmann"), never alone ("der Wolf im Märchen", "im Mai").
AMBIGUOUS_NOUNS: Final = _words(
    """
    januar februar märz april mai juni juli august september oktober november dezember
    montag dienstag mittwoch donnerstag freitag samstag sonntag sonnabend frühling sommer
    herbst winter ostern weihnachten ramadan silvester
    alibi alien alter angel anker arie armen bach bart beste bitten boje brett christ
    christen corona ding diva döner duo ebbe ei einer enkel ernst fan fang feige friede
    gabel gala gang gen gene gong gosse hai hain hang heide helle ideal islam jade kader
    kamel kap karma karo kerle kick kino kitt lage lama leib lese libero lila linde lore
    los losen lot lupe made mais major mal mall man mark marine mate median mentor mine
    mist nanny ninja olive opal panda pastor pille rand rose rosen rubin rune rute saga
    salami sau server sinne soja sole stein sultan tage tat teddy titel tode ton tor tora
    tram tuba uran viola vita wade wolf roma polin pole roman romane nazi jihad sieg jesus
    adler apostel ball barbier baron bass bauer baum bayer bischof block bock bruder
    burger bürger cousin doktor dorn eimer engel farmer fasching faust fink fischer fleck
    flieger förster front frost fuchs fürst gärtner geier geiger geisel glaser grab gras
    grill grund gut gute hacker hammer hass helm hering herzog hirsch hirt horn hummel
    hummer jäger käfer kaufmann keller kellner kern killer klammer klima klotz knappe
    knecht koch kohl krabbe kranz krebs krug kummer leber linke list macher magier mangel
    masse maurer mühle nagel obst pfeffer pilz putz rauch rausch reich reis reiter richter
    römer salz schacht schatz schauer scheibe scherz schlager schlosser schmied schmuck
    schneider schotte schreiber schreiner schuh schuster schweizer schäfer senator stange
    staub stempel stern steuer strauß stroh sturm tabak taucher tischler trupp volk wende
    west wild wurm zimmermann weiß schwarz bär specht star
    könig kaiser meister bauer schneider richter fischer koch winter sommer herbst stein
    stern engel vogel fuchs wolf hahn held park ring berg tal baum kern wald feld wiese
    reich hart stolz linke volk schweizer tor bischof herzog prinz ritter hammer schatz
    krebs villa stock bach vögel block bergen ware mangel gras held schmuck major ideal
    doktor burger kader faust adler springer reiter rauch bart scheibe marine wall strauß
    staub pol leib scherz fürst rosen horn felder kaufmann helm schuh enkel bass roß ross
    heller fang schäfer heide christ kohl zahn senator sang made helle baron nagel flieger
    schreiber leber brett reif hang fleck mühle grill flora hacker bäcker agent wölfe
    pastor lila angel romane löwe gärtner frost vita killer list kap stange mais hirsch
    eimer cousin pille kellner krüger vogt turner pilz maurer köhler schlager käfer adel
    stempel schenk knappe huhn polo mine kummer tabak döner tänzer schuster lupe geisel
    anker teddy moll stumpf stroh jet feige wurm schläger kick hack brenner wächter pin
    lenz sultan gala blank schacht krug pfleger friede schütz macher linde hai geiger
    förster apostel saga gabel alien kreuzer kratzer spieß magier speer weiser kranz
    knecht schreiner mate ninja kot dämon cop schmied lama hummel dino stifter soja mentor
    farmer fasching luder krämer kasper schlosser hain mall jade binder imam taucher panda
    tischler pier schiefer schar gong losen brauer streicher hering gerber glaser bader
    omi hüter kajak domino joke diva arie trupp macho kämmerer spitzer nanny lore magna
    sole schiffer tone opas löffler tora malz hummer ebbe palazzo kamel median seiler
    pfeifer sattler eros tuba karo hirt stecher küster olive basar hauer vespa kocher
    barbier elektron düse liane hecker babel seher baptist matura klammer klotz fiedler
    schotte gral bläser füller heere holder zander iban asi ossi kiki mami
    ahorn birke buche eiche eibe erle esche espe fichte kiefer lärche pappel tanne ulme
    weide kastanie hasel holunder wacholder mistel efeu farn klee mohn lupine distel
    salbei minze thymian quitte mirabelle kirsche pflaume aprikose dattel zeder zypresse
    amsel drossel meise kranich reiher möwe kiebitz lerche eisvogel zaunkönig kormoran
    pirol stieglitz rotkehlchen bussard falke
    """
)

#: Adjectives, adverbs and verbs that are also names. German writes them in lower case,
#: so a capital letter in the middle of a sentence makes them a name ("dass Rosa nicht
#: kommt", "Familie Klein"); at the start of a sentence they need context ("Rosa Pullover").
LOWER_CASE_WORDS: Final = _words(
    """
    rosa klein lang lange kurz frank jung braun groß gut stark frei fröhlich sauer hell
    klug still scharf wild hart fromm kühn schön weise fein grau lieb bald schnell neu
    alt recht froh bitter munter rasch ernst golden edel flink wach blank klare reine
    grüner reicher wärmer weiser helle grau stumpf reif krause anders knapp länger langer
    älter müde nette frisch heiss heiß grob dünn dick roter fit urban stets jemals solange
    davor drin gab kamen mach meint lösen liess ließ holt denk sass saß kenn brach such tue
    welch geriet lies las
    """
)

#: Countries, languages, nationalities and places: not person names even where a list
#: of surnames contains them.
PLACE_AND_LANGUAGE_WORDS: Final = _words(
    """
    deutschland türkei syrien afghanistan polen russland ukraine irak iran eritrea somalia
    kosovo albanien rumänien bulgarien serbien kroatien bosnien italien griechenland
    kasachstan vietnam libanon marokko tunesien ägypten jemen sudan nigeria ghana georgien
    armenien aserbaidschan tschetschenien moldau litauen lettland estland österreich
    schweiz dänemark niederlande frankreich spanien portugal england amerika afrika asien
    europa deutsch deutsche deutscher türkisch türke türkin türken arabisch araber
    russisch russe russin polnisch ukrainisch ukrainer ukrainerin englisch französisch
    dari farsi paschtu persisch kurdisch kurde kurdin albanisch rumänisch bulgarisch
    serbisch kroatisch bosnisch italienisch spanisch portugiesisch tigrinya somali
    vietnamesisch chinesisch syrer syrerin afghane afghanin italiener italienerin
    hamburg kiel berlin norderstedt quickborn kaltenkirchen schenefeld pinneberg
    segeberg lübeck bremen hannover münchen köln frankfurt dresden leipzig stuttgart
    kabul aleppo damaskus homs charkiw kiew kyjiw odessa istanbul ankara izmir warschau
    moskau bukarest sofia belgrad sarajevo pristina tirana teheran bagdad beirut kairo
    holstein schleswig henstedt ulzburg ochsenzoll harksheide garstedt glashütte
    friedrichsgabe rom paris wiener bayer römer hesse däne dänin pole polin schotte slawen
    jude jüdin christ christen roma sinti holländer berner prager muslim muslima israel
    madrid tokio washington jerusalem basel holland york angeles france santa
    """
)

#: Nouns ending like this are not surnames ("Unterstützung", "Sicherheit").
NOUN_SUFFIXES: Final = (
    "ung", "ungen", "heit", "heiten", "keit", "keiten", "schaft", "schaften", "tion",
    "tionen", "ität", "itäten", "nis", "nisse", "ismus", "tum", "chen", "lein", "ment",
    "ie", "ien",
)  # fmt: skip
#: Surnames ending like this are recognised without a dictionary ("Kowalczyk",
#: "Iwanow", "Kowalenko", "Jovanović", "Popescu", "Karaoğlu", "Petrosyan").
SURNAME_SUFFIXES: Final = (
    "ski", "ska", "cki", "cka", "dzki", "dzka", "sky", "wicz", "czyk", "czak", "szyk",
    "owa", "ewa", "ova", "eva", "ová", "enko", "tschuk", "czuk", "chuk", "schuk", "yk",
    "ović", "ovic", "ević", "evic", "vić", "ić", "escu", "eanu", "oglu", "oğlu", "yan",
    "idis", "poulos", "zadeh", "schwili", "shvili",
)  # fmt: skip
#: "-ow"/"-ew"/"-ov"/"-ev" surnames need a consonant before the ending ("Iwanow", not
#: "Interview"); these words end like that all the same.
_NOT_SURNAMES: Final = _words("bungalow interview review preview know-how")


def looks_like_surname(word: str) -> bool:
    """Whether ``word`` ends like an Eastern European or Turkish surname."""
    folded = fold(word)
    if len(folded) < 5 or folded in _NOT_SURNAMES:
        return False
    lowered = word.casefold()
    if lowered.endswith(SURNAME_SUFFIXES) or folded.endswith(SURNAME_SUFFIXES):
        return True
    return folded[-2:] in ("ow", "ew", "ov", "ev") and folded[-3] not in "aeiouy"


def looks_like_noun(word: str) -> bool:
    """Whether ``word`` is a common noun by its ending ("Unterstützung", "Therapie")."""
    lowered = word.casefold()
    if not lowered.endswith(NOUN_SUFFIXES):
        return False
    return any(
        lowered.endswith(suffix) and len(lowered) >= len(suffix) + 3 for suffix in NOUN_SUFFIXES
    )


def is_german_word(key: str) -> bool:
    """Whether the word key (see :func:`word_key`) is in one of the hand-kept lists."""
    return (
        key in FUNCTION_WORDS
        or key in ROLE_WORDS
        or key in INSTITUTION_WORDS
        or key in COMMON_NOUNS
        or key in AMBIGUOUS_NOUNS
        or key in LOWER_CASE_WORDS
        or key in ACADEMIC_TITLES
    )


# ---------------------------------------------------------------------------------------
# Person names from installed packages
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, eq=False)
class NameLexicon:
    """Folded first names and surnames, before the German-word lists are applied.

    Compared and hashed by identity, so that word classifications can be cached per lexicon.
    """

    first_names: frozenset[str]
    surnames: frozenset[str]

    def is_first_name(self, folded: str) -> bool:
        """Whether the folded word is a known first name."""
        return folded in self.first_names

    def is_surname(self, folded: str) -> bool:
        """Whether the folded word is a known surname."""
        return folded in self.surnames

    def is_name(self, folded: str) -> bool:
        """Whether the folded word is a known first name or surname."""
        return folded in self.first_names or folded in self.surnames


def _gender_guesser_names(min_frequency: int) -> set[str]:
    """First names from gender-guesser's dictionary reaching ``min_frequency`` somewhere."""
    names: set[str] = set()
    data = resources.files("gender_guesser").joinpath("data/nam_dict.txt")
    with data.open(encoding="utf-8") as lines:
        for line in lines:
            if line[:1] in ("#", "=", ""):
                continue
            parts = line.split(maxsplit=2)
            if len(parts) < 2:
                continue
            frequencies = line[30:85]
            best = max(
                (int(char, 16) for char in frequencies if char in "0123456789ABCDEF"),
                default=0,
            )
            if best < min_frequency:
                continue
            name = parts[1]
            # "+" stands for "", " " or "-" ("Jun+Wei"); only one-word forms are tokens.
            for variant in {name.replace("+", ""), name.replace("+", "-")}:
                names.update(fold_variants(variant))
    return names


def _transliterate(name: str) -> set[str]:
    """German and English Latin spellings of a Cyrillic name."""
    lowered = name.lower()
    return {
        "".join(table.get(char, char) for char in lowered)
        for table in (_CYRILLIC_DE, _CYRILLIC_EN)
    }


def _faker_names() -> tuple[set[str], set[str]]:
    """First names and surnames from Faker's person providers."""
    first: set[str] = set()
    last: set[str] = set()

    def add(target: set[str], names: Iterable[str], *, cyrillic: bool) -> None:
        for name in names:
            for spelling in _transliterate(name) if cyrillic else {name}:
                if spelling and all(char.isalpha() or char in "-'" for char in spelling):
                    target.update(fold_variants(spelling))

    for locale in (*_LATIN_LOCALES, *_CYRILLIC_LOCALES):
        try:
            provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        except ImportError:  # pragma: no cover - a locale dropped by a future Faker
            continue
        cyrillic = locale in _CYRILLIC_LOCALES
        for attribute in _FIRST_NAME_ATTRIBUTES:
            add(first, getattr(provider, attribute, ()), cyrillic=cyrillic)
        for attribute in _LAST_NAME_ATTRIBUTES:
            add(last, getattr(provider, attribute, ()), cyrillic=cyrillic)
    return first, last


def build_name_lexicon(
    *, gender_guesser: bool = True, faker: bool = True, min_frequency: int | None = None
) -> NameLexicon:
    """Load the name lists from the chosen sources (slow: call :func:`name_lexicon`)."""
    first: set[str] = set()
    last: set[str] = set()
    if gender_guesser:
        first |= _gender_guesser_names(
            MIN_FIRST_NAME_FREQUENCY if min_frequency is None else min_frequency
        )
    if faker:
        faker_first, faker_last = _faker_names()
        first |= faker_first
        last |= faker_last
    return NameLexicon(first_names=frozenset(first), surnames=frozenset(last))


@cache
def name_lexicon() -> NameLexicon:
    """The default name lexicon, loaded on first use and kept for the process."""
    return build_name_lexicon()


@cache
def plate_prefixes() -> frozenset[str]:
    """German licence-plate district codes ("SE", "HH", "NMS"), from Faker's list."""
    module = importlib.import_module("faker.providers.automotive.de_DE")
    prefixes: Iterable[str] = getattr(module.Provider, "license_plate_prefix", ())
    return frozenset(prefix.upper() for prefix in prefixes)


@cache
def place_names() -> frozenset[str]:
    """German town names (Faker's list) and the hand-kept places above, as word keys."""
    module = importlib.import_module("faker.providers.address.de_DE")
    towns: Iterable[str] = getattr(module.Provider, "cities", ())
    keys = {variant for town in towns if " " not in town for variant in word_variants(town)}
    return frozenset(keys) | PLACE_AND_LANGUAGE_WORDS
