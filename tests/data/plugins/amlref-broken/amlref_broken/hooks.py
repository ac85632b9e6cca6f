import time

from amlref.plugins.api import Column, DetailTab, Exporter


class FutureTab(DetailTab):
    api_version = "2.0"
    label = "From the future"

    def render(self, article, categories):
        return "never shown"


class RaisingTab(DetailTab):
    api_version = "1.0"
    label = "Raises"

    def render(self, article, categories):
        raise ValueError("tab bug")


class RaisingColumn(Column):
    api_version = "1.0"
    header = "Raises"

    def value(self, article):
        raise KeyError("column bug")


class SlowColumn(Column):
    api_version = "1.0"
    header = "Slow"

    def value(self, article):
        time.sleep(0.5)
        return "slow:" + (article.citekey or "")


class RaisingExporter(Exporter):
    api_version = "1.0"
    name = "broken-export"
    label = "Raises"
    extension = ".txt"

    def export(self, articles, **options):
        raise RuntimeError("exporter bug")
