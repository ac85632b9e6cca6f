"""What the plugin adds to AMLRef.  Everything comes from ``amlref.plugins.api``, the one module
a plugin imports; each class declares the plugin API it was written for."""
from __future__ import annotations

import csv
import html
import io

from amlref.plugins.api import Action, Column, DetailTab, Exporter, SidebarNode

from amlref_trials.registries import trials_of

API = "1.0"
TAG = "clinical-trial"


class TrialsColumn(Column):
    api_version = API
    header = "Trials"
    width = 120
    tooltip = "Trial registry numbers the article names"

    def value(self, article) -> str:
        return ", ".join(t.number for t in trials_of(article))


class TrialsTab(DetailTab):
    api_version = API
    label = "Trials"

    def render(self, article, categories) -> str:
        trials = trials_of(article)
        if not trials:
            return ("<p><i>No trial registry number found in the title, abstract, keywords or "
                    "PubMed's DataBank list.</i></p>")
        rows = "".join(
            f"<tr><td><a href='{html.escape(t.url, quote=True)}'>{html.escape(t.number)}</a></td>"
            f"<td>{html.escape(t.registry)}</td><td>{html.escape(t.where)}</td></tr>"
            for t in trials)
        return (f"<p><b>{len(trials)} trial registration{'s' if len(trials) != 1 else ''}</b>"
                "</p><table cellspacing='0' cellpadding='4'>"
                "<tr><th align='left'>Number</th><th align='left'>Registry</th>"
                f"<th align='left'>Found in</th></tr>{rows}</table>")


class ArticlesWithTrial(SidebarNode):
    api_version = API
    label = "Articles with a trial"
    tooltip = "Articles that name a trial registry number"

    def article_ids(self, library):
        out = []
        for a in library.articles.iter_all():
            if trials_of(a):
                out.append(a.id)
        return out


class TagTrialArticles(Action):
    api_version = API
    label = "Tag articles naming a trial"
    tooltip = f"Tag the selected articles that name a trial registry number '{TAG}'"
    places = ("menu", "context", "toolbar")

    def run(self, api) -> None:
        ids = api.selection()

        def work(library, progress, cancel):
            hits = []
            for n, a in enumerate(library.articles.get_many(ids), 1):
                if n % 200 == 0:
                    cancel.check()
                if trials_of(a):
                    hits.append(a.id)
                progress(n, len(ids), "looking for trial numbers")
            if hits:
                library.tags.add(hits, TAG)
            return len(hits)

        def done(n):
            api.show_message(f"{n} of {len(ids)} selected articles name a trial: tagged '{TAG}'")
            api.refresh()
        api.run_in_background(work, "Tagging articles that name a trial", done)


def _rows(articles):
    for a in articles:
        trials = trials_of(a)
        if trials:
            yield (a.citekey or "", a.title or "", str(a.year or ""),
                   "; ".join(t.number for t in trials),
                   "; ".join(a.extra.get("categories") or []))


HEADER = ("citation key", "title", "year", "registry ids", "categories")


class TrialsCsvExporter(Exporter):
    api_version = API
    name = "trials-csv"
    label = "Clinical trials table (CSV)"
    extension = ".csv"
    with_categories = True

    def export(self, articles, **options) -> str:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(HEADER)
        w.writerows(_rows(articles))
        return buf.getvalue()


class TrialsMarkdownExporter(Exporter):
    api_version = API
    name = "trials-md"
    label = "Clinical trials table (Markdown)"
    extension = ".md"
    with_categories = True

    def export(self, articles, **options) -> str:
        def cell(s):
            return " ".join(s.replace("|", "\\|").split())
        lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
        lines += ["| " + " | ".join(cell(c) for c in r) + " |" for r in _rows(articles)]
        return "\n".join(lines) + "\n"
