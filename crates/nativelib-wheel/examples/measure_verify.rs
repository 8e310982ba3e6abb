use std::path::Path;
use std::time::Instant;
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mode = &args[0];
    for arg in &args[1..] {
        let start = Instant::now();
        let wheel = nativelib_wheel::WheelReader::open(Path::new(arg)).unwrap();
        let report = wheel.verify_and_read_reporting(|_, head| mode == "rewrite" && head == b"\x7fELF").unwrap();
        let verified = start.elapsed();
        let mut writer = nativelib_wheel::WheelWriter::new(wheel.dist_info_dir());
        let kept: std::collections::HashMap<_, _> = report.kept.into_iter().collect();
        for entry in wheel.entries() {
            if entry.is_dir { continue; }
            match kept.get(&entry.name) {
                Some(bytes) => writer.add_file(&entry.name, bytes.clone(), entry.unix_mode.unwrap_or(0) & 0o111 != 0),
                None => writer.copy_raw(&wheel, &entry.name),
            }
        }
        drop(kept);
        let out = std::env::temp_dir().join(wheel.filename().to_string());
        writer.write(&out).unwrap();
        println!("{mode} {}: verify {:.3}s, total {:.3}s, out {} bytes", wheel.filename().name, verified.as_secs_f64(), start.elapsed().as_secs_f64(), std::fs::metadata(&out).unwrap().len());
        let start = Instant::now();
        nativelib_wheel::WheelReader::open(&out).unwrap().verify().unwrap();
        println!("   reverify {:.3}s", start.elapsed().as_secs_f64());
        std::fs::remove_file(out).unwrap();
    }
}
