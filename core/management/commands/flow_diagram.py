from django.core.management.base import BaseCommand

from requests_app.diagram import flow_mermaid


class Command(BaseCommand):
    help = "Print a flow's state machine as a Mermaid diagram (for the README)."

    def add_arguments(self, parser):
        parser.add_argument("flow", nargs="?", default="new_connection")

    def handle(self, *args, flow, **options):
        self.stdout.write(flow_mermaid(flow))
