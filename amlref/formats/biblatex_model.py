"""biblatex's default data model (blx-dm.def of biblatex 3.19, the manual's section 2): which
fields each entry type has, the legacy field names biber maps, the types the standard styles do
not support.  ``biber --validate-datamodel`` warns of a field an entry type does not have; the
biblatex export uses this to write the fields it derives only where the type has them."""
from __future__ import annotations

# fields every entry type has
_COMMON = frozenset("""
abstract annotation authortype bookpagination crossref day doi endday endhour endminute
endmonth endsecond endtimezone endyear endyeardivision entryset entrysubtype eprint
eprintclass eprinttype execute file gender hour ids indexsorttitle indextitle isan ismn iswc
keywords label langid langidopts library lista listb listc listd liste listf minute month
namea nameaddon nameatype nameb namebtype namec namectype options origday origendday
origendhour origendminute origendmonth origendsecond origendtimezone origendyear
origendyeardivision orighour origlocation origminute origmonth origpublisher origsecond
origtimezone origtitle origyear origyeardivision pagination presort related relatedoptions
relatedstring relatedtype second shortauthor shorteditor shorthand shorthandintro
shortjournal shortseries shorttitle sortkey sortname sortshorthand sorttitle sortyear
timezone url urlday urlendday urlendhour urlendminute urlendmonth urlendsecond
urlendtimezone urlendyear urlhour urlminute urlmonth urlsecond urltimezone urlyear usera
userb userc userd usere userf verba verbb verbc xdata xref year yeardivision
""".split())

_TYPE_FIELDS: dict[str, frozenset[str]] = {}
for _types, _fields in (
    ("article", """
        addendum annotator author commentator editor editora editoratype editorb editorbtype
        editorc editorctype editortype eid issn issue issuesubtitle issuetitle
        issuetitleaddon journalsubtitle journaltitle journaltitleaddon language note number
        origlanguage pages pubstate series subtitle title titleaddon translator version
        volume
        """),
    ("bibnote", """
        note
        """),
    ("book", """
        addendum afterword annotator author chapter commentator edition editor editora
        editoratype editorb editorbtype editorc editorctype editortype eid foreword
        introduction isbn language location mainsubtitle maintitle maintitleaddon note
        number origlanguage pages pagetotal part publisher pubstate series subtitle title
        titleaddon translator volume volumes
        """),
    ("bookinbook inbook suppbook", """
        addendum afterword annotator author bookauthor booksubtitle booktitle booktitleaddon
        chapter commentator edition editor editora editoratype editorb editorbtype editorc
        editorctype editortype eid foreword introduction isbn language location mainsubtitle
        maintitle maintitleaddon note number origlanguage pages part publisher pubstate
        series subtitle title titleaddon translator volume volumes
        """),
    ("booklet", """
        addendum author chapter editor editortype eid howpublished language location note
        pages pagetotal pubstate subtitle title titleaddon type
        """),
    ("collection reference", """
        addendum afterword annotator chapter commentator edition editor editora editoratype
        editorb editorbtype editorc editorctype editortype eid foreword introduction isbn
        language location mainsubtitle maintitle maintitleaddon note number origlanguage
        pages pagetotal part publisher pubstate series subtitle title titleaddon translator
        volume volumes
        """),
    ("dataset", """
        addendum author edition editor editortype language location note number organization
        publisher pubstate series subtitle title titleaddon type version
        """),
    ("incollection inreference suppcollection", """
        addendum afterword annotator author booksubtitle booktitle booktitleaddon chapter
        commentator edition editor editora editoratype editorb editorbtype editorc
        editorctype editortype eid foreword introduction isbn language location mainsubtitle
        maintitle maintitleaddon note number origlanguage pages part publisher pubstate
        series subtitle title titleaddon translator volume volumes
        """),
    ("inproceedings", """
        addendum author booksubtitle booktitle booktitleaddon chapter editor editortype eid
        eventday eventendday eventendhour eventendminute eventendmonth eventendsecond
        eventendtimezone eventendyear eventendyeardivision eventhour eventminute eventmonth
        eventsecond eventtimezone eventtitle eventtitleaddon eventyear eventyeardivision
        isbn language location mainsubtitle maintitle maintitleaddon note number
        organization pages part publisher pubstate series subtitle title titleaddon venue
        volume volumes
        """),
    ("manual", """
        addendum author chapter edition editor editortype eid isbn language location note
        number organization pages pagetotal publisher pubstate series subtitle title
        titleaddon type version
        """),
    ("misc software", """
        addendum author editor editortype howpublished language location note organization
        pubstate subtitle title titleaddon type version
        """),
    ("mvbook", """
        addendum afterword annotator author commentator edition editor editora editoratype
        editorb editorbtype editorc editorctype editortype foreword introduction isbn
        language location note number origlanguage pagetotal publisher pubstate series
        subtitle title titleaddon translator volume volumes
        """),
    ("mvcollection mvreference", """
        addendum afterword annotator author commentator edition editor editora editoratype
        editorb editorbtype editorc editorctype editortype foreword introduction isbn
        language location note number origlanguage publisher pubstate subtitle title
        titleaddon translator volume volumes
        """),
    ("mvproceedings", """
        addendum editor editortype eventday eventendday eventendhour eventendminute
        eventendmonth eventendsecond eventendtimezone eventendyear eventendyeardivision
        eventhour eventminute eventmonth eventsecond eventtimezone eventtitle
        eventtitleaddon eventyear eventyeardivision isbn language location note number
        organization pagetotal publisher pubstate series subtitle title titleaddon venue
        volumes
        """),
    ("online", """
        addendum author editor editortype language note organization pubstate subtitle title
        titleaddon version
        """),
    ("patent", """
        addendum author holder location note number pubstate subtitle title titleaddon type
        version
        """),
    ("periodical", """
        addendum editor editora editoratype editorb editorbtype editorc editorctype
        editortype issn issue issuesubtitle issuetitle issuetitleaddon language note number
        pubstate series subtitle title titleaddon volume yeardivision
        """),
    ("proceedings", """
        addendum chapter editor editortype eid eventday eventendday eventendhour
        eventendminute eventendmonth eventendsecond eventendtimezone eventendyear
        eventendyeardivision eventhour eventminute eventmonth eventsecond eventtimezone
        eventtitle eventtitleaddon eventyear eventyeardivision isbn language location
        mainsubtitle maintitle maintitleaddon note number organization pages pagetotal part
        publisher pubstate series subtitle title titleaddon venue volume volumes
        """),
    ("report", """
        addendum author chapter eid institution isrn language location note number pages
        pagetotal pubstate subtitle title titleaddon type version
        """),
    ("set", """
        entryset
        """),
    ("thesis", """
        addendum author chapter eid institution language location note pages pagetotal
        pubstate subtitle title titleaddon type
        """),
    ("unpublished", """
        addendum author eventday eventendday eventendhour eventendminute eventendmonth
        eventendsecond eventendtimezone eventendyear eventendyeardivision eventhour
        eventminute eventmonth eventsecond eventtimezone eventtitle eventtitleaddon
        eventyear eventyeardivision howpublished language location note pubstate subtitle
        title titleaddon type venue
        """),
):
    for _t in _types.split():
        _TYPE_FIELDS[_t] = _COMMON | frozenset(_fields.split())

# types the data model declares with no fields of their own (the manual's "unsupported types",
# which the standard styles print as @misc): title, author ... are invalid there
UNSUPPORTED = frozenset(("artwork", "audio", "commentary", "image", "jurisdiction", "legislation",
                         "legal", "letter", "movie", "music", "performance", "review", "standard",
                         "video"))
def has_field(etype: str, field: str) -> bool:
    """Whether biblatex's data model gives entries of ``etype`` the field ``field`` (a type it does
    not know, a style package's own, is given every field)."""
    if field.endswith("date") and field != "date":
        field = field[:-4] + "year"     # urldate, eventdate: biber checks their year part
    elif field == "date":
        field = "year"
    fields = _TYPE_FIELDS.get(etype)
    if fields is None:
        return etype not in UNSUPPORTED or field in _COMMON
    return field in fields
