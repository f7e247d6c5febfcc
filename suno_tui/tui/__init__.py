"""Front end: the Textual monitor (app, widgets, screens). It presents the
engine's events and sends it commands; nothing below it imports Textual."""
