//! Writes the sample report as a PDF: `cargo run -p sessionlens-report --example sample -- out.pdf [letter]`.

#[path = "../tests/sample/mod.rs"]
mod sample;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().unwrap_or_else(|| "sample-report.pdf".to_string());
    let paper = if args.next().as_deref() == Some("letter") {
        sessionlens_report::Paper::Letter
    } else {
        sessionlens_report::Paper::A4
    };
    let started = std::time::Instant::now();
    match sessionlens_report::render_pdf(&sample::sample(40), &sample::options(paper)) {
        Ok(pdf) => {
            std::fs::write(&path, pdf).expect("write the PDF");
            println!("wrote {path} in {} ms", started.elapsed().as_millis());
        }
        Err(error) => {
            eprintln!("{error}");
            std::process::exit(1);
        }
    }
}
