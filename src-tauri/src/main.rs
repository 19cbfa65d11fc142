// Without this a release build on Windows opens a console next to the window.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    ecabinet_desktop::run();
}
