//! eCabinet's PDF process: PDFium, apart from the app, under a memory
//! limit. The app starts it and talks to it over stdin and stdout (see
//! `ecabinet_pdf::child`).

fn main() -> std::process::ExitCode {
    ecabinet_pdf::child::main_with_args(std::env::args())
}
