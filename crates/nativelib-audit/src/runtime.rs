//! Which runtime a library is (OpenBLAS, libgfortran, an OpenMP runtime, ...), recognized by the
//! symbols it exports rather than by its file name, so renamed and hashed copies group together.

use nativelib_binary::ElfFile;

/// A well-known native runtime, and the exported symbols that give it away.
struct RuntimeSignature {
    name: &'static str,
    matches: fn(&str) -> bool,
}

const SIGNATURES: &[RuntimeSignature] = &[
    RuntimeSignature {
        name: "OpenBLAS",
        matches: |symbol| symbol.contains("openblas_get_config"),
    },
    RuntimeSignature {
        name: "MKL",
        matches: |symbol| symbol == "mkl_get_version" || symbol == "MKL_Get_Version",
    },
    // Before libgomp's: libomp exports gcc's GOMP_* entry points too, for code built with gcc.
    RuntimeSignature {
        name: "LLVM OpenMP (libomp)",
        matches: |symbol| symbol == "__kmpc_fork_call",
    },
    RuntimeSignature {
        name: "GNU OpenMP (libgomp)",
        matches: |symbol| symbol == "GOMP_parallel",
    },
    RuntimeSignature {
        name: "libgfortran",
        matches: |symbol| symbol == "_gfortran_st_write",
    },
    RuntimeSignature {
        name: "libquadmath",
        matches: |symbol| symbol == "quadmath_snprintf",
    },
    RuntimeSignature {
        name: "libstdc++",
        matches: |symbol| symbol == "_ZSt4cout",
    },
    RuntimeSignature {
        name: "libgcc_s",
        matches: |symbol| symbol == "_Unwind_RaiseException",
    },
];

/// The runtime a library is: a well-known family recognized by its exports, or else its
/// normalized name (`libfoo-1a2b3c4d.so.1` gives `libfoo`).
pub fn runtime_name(file_name: &str, elf: &ElfFile) -> String {
    SIGNATURES
        .iter()
        .find(|signature| {
            elf.defined_symbols
                .iter()
                .any(|symbol| (signature.matches)(&symbol.name))
        })
        .map(|signature| signature.name.to_string())
        .unwrap_or_else(|| library_stem(file_name).to_string())
}

/// The library's name without auditwheel's hash and without `.so` suffixes:
/// `libgfortran-040039e1.so.5.0.0` gives `libgfortran`.
pub fn library_stem(file_name: &str) -> &str {
    let base = file_name.split(".so").next().unwrap_or(file_name);
    strip_hash_suffix(base)
}

/// Removes auditwheel's `-<8 hex>` suffixes from a name: a wheel repaired twice has two
/// (`libgfortran-040039e1-0352e75f`).
pub fn strip_hash_suffix(mut name: &str) -> &str {
    while let Some((stem, hash)) = name.rsplit_once('-') {
        if hash.len() != 8 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            break;
        }
        name = stem;
    }
    name
}

/// A file name with auditwheel's hash removed: `libscipy_openblas64_-ff651d7f.so` gives
/// `libscipy_openblas64_.so`, `libgfortran-040039e1.so.5.0.0` gives `libgfortran.so.5.0.0`.
pub fn unhashed_name(file_name: &str) -> String {
    match file_name.find(".so") {
        Some(index) => format!(
            "{}{}",
            strip_hash_suffix(&file_name[..index]),
            &file_name[index..]
        ),
        None => strip_hash_suffix(file_name).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_removed() {
        assert_eq!(
            unhashed_name("libscipy_openblas64_-ff651d7f.so"),
            "libscipy_openblas64_.so"
        );
        assert_eq!(
            unhashed_name("libgfortran-040039e1.so.5.0.0"),
            "libgfortran.so.5.0.0"
        );
        assert_eq!(unhashed_name("libgomp.so.1"), "libgomp.so.1");
        assert_eq!(
            unhashed_name("libgfortran-040039e1-0352e75f.so.5.0.0"),
            "libgfortran.so.5.0.0"
        );
        assert_eq!(unhashed_name("libfoo-bar.so"), "libfoo-bar.so");
        assert_eq!(library_stem("libquadmath-96973f99.so.0.0.0"), "libquadmath");
    }
}
