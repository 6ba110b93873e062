// No console window behind the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

#[global_allocator]
static ALLOCATOR: sessionlens_core::huge_pages::HugePages = sessionlens_core::huge_pages::HugePages;

fn main() {
    sessionlens_app::run();
}
