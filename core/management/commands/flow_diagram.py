from django.core.management.base import BaseCommand

from requests_app.diagram import flow_export, flow_mermaid
from requests_app.flows import FLOWS


class Command(BaseCommand):
    help = (
        "Print a flow's state machine as a Mermaid diagram (for the README), or "
        "with --export write every flow's graph_transitions export (DOT, and SVG "
        "when Graphviz is installed) to static/flows/."
    )

    def add_arguments(self, parser):
        parser.add_argument("flow", nargs="?", default="new_connection")
        parser.add_argument("--export", action="store_true")

    def handle(self, *args, flow, export, **options):
        if not export:
            self.stdout.write(flow_mermaid(flow))
            return
        for name in FLOWS:
            for path in flow_export(name):
                self.stdout.write(f"wrote {path}")
