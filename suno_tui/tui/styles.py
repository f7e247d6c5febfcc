"""The app's layout and colours (Textual CSS), kept in Python so it always ships.

Colours come from theme variables only, so themes and NO_COLOR apply.
"""

APP_CSS = """
Screen {
    background: $surface;
}
#top-bar {
    height: 1;
    background: $panel;
    color: $text;
    text-wrap: nowrap;
    text-overflow: ellipsis;
}
#banner {
    display: none;
    height: auto;
    max-height: 5;
    padding: 0 1;
    background: $error-muted;
    color: $text;
    border-left: thick $error;
}
#banner.-warning {
    background: $warning-muted;
    border-left: thick $warning;
}
#banner.-shown {
    display: block;
}
#main {
    height: 1fr;
}
#tasks {
    width: 1fr;
    height: 1fr;
}
#side {
    display: none;
    width: 45%;
    min-width: 60;
    height: 1fr;
    border-left: vkey $panel-lighten-2;
}
.-wide #side {
    display: block;
}
#side:focus-within {
    border-left: vkey $primary;
}
/* The list keeps at least half the screen: the downloads pane takes up to a
   third of it, a fifth when the event log (a fifth) is open too. */
#downloads {
    display: none;
    max-height: 33%;
}
.-show-downloads #downloads {
    display: block;
}
.-show-events #downloads {
    max-height: 20%;
}
#events {
    display: none;
    height: 8;
    max-height: 20%;
    border-top: hkey $panel-lighten-2;
}
#events:focus {
    border-top: hkey $primary;
}
.-show-events #events {
    display: block;
}
#filter {
    display: none;
    height: 1;
    border: none;
    padding: 0 1;
    background: $panel;
}
#filter.-shown {
    display: block;
}
ToastRack {
    margin-bottom: 2;  /* above the status bar and the footer */
}
/* No toast over a dialog, help or stats: they show once it closes, if still
   current (the event log keeps every finish). The submit form opts in
   (-toasts): its own messages are toasts. */
ModalScreen ToastRack Toast {
    visibility: hidden;
}
.-toasts ToastRack Toast {
    visibility: visible;
}
Toast {
    padding: 0 1;
    max-width: 60%;
}
/* The detail on its own screen (narrow terminals) fills every line above the
   status bar: a toast there sits over the status bar and the footer instead,
   two lines at most (title and message, cut with an ellipsis; the event log
   keeps what happened), never over the text being read. */
DetailScreen ToastRack {
    margin-bottom: 0;
    scrollbar-size-vertical: 0;  /* one toast at a time: no gutter beside it */
}
DetailScreen Toast {
    margin-top: 0;
    width: auto;
    max-width: 100%;
    max-height: 2;
    text-wrap: nowrap;
    text-overflow: ellipsis;
}
"""
