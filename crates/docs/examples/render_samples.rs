//! Writes the sample Phụ lục I and II as PDF and DOCX into a directory, to look at them:
//! `cargo run -p ungcuu-docs --example render_samples -- /tmp/docs`.

fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| ".".into());
    std::fs::create_dir_all(&dir).expect("output directory");
    for (name, doc) in [
        ("phu-luc-1", ungcuu_docs::sample::initial_document()),
        ("phu-luc-2", ungcuu_docs::sample::final_document()),
    ] {
        let t = std::time::Instant::now();
        let pdf = ungcuu_docs::render_pdf(&doc).expect("pdf");
        let took = t.elapsed();
        let docx = ungcuu_docs::render_docx(&doc).expect("docx");
        std::fs::write(format!("{dir}/{name}.pdf"), pdf).expect("write");
        std::fs::write(format!("{dir}/{name}.docx"), docx).expect("write");
        println!("{name}: {took:?}");
    }
}
