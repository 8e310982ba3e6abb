#!/usr/bin/env python3
"""Build the example wheels nativelib's fast tests run on, with gcc only.

Usage: python3 examples/build_wheels.py OUTDIR [--provider-missing-symbol]

Writes two wheels into OUTDIR and prints their paths, one a line:

1. `vecdemo-1.0.0-cpXY-cpXY-manylinux_2_17_<arch>.manylinux2014_<arch>.whl`,
   shaped like `auditwheel repair` output (as numpy's and scipy's PyPI wheels
   are): the extensions `vecdemo._core` (needs libvecmath) and `vecdemo._util`
   (needs libvecutil directly) with DT_RPATH `$ORIGIN/../vecdemo.libs`, and the
   vendored, hash-renamed `vecdemo.libs/libvecmath-1a2b3c4d.so.1` (DT_RPATH
   `$ORIGIN`, needs the hashed libvecutil) and `vecdemo.libs/libvecutil-5e6f7a8b.so.1`.
2. `vecmath-1.0.0-py3-none-manylinux_2_17_<arch>.whl`, a library wheel standing
   in for `nativelib build` output: `vecmath/lib/libvecmath_nativelib.so.1`
   (DT_RUNPATH `$ORIGIN`, needs `libvecutil_nativelib.so.1`), its headers,
   pkg-config and CMake files, and the loader package rendered from
   templates/loader/__init__.py.

With --provider-missing-symbol the library wheel is `vecmath-0.9.0-...` instead,
built without `vecmath_version`, so linking vecdemo against it must be refused.

Everything is linked with gcc/ld flags (no patchelf). The wheels are
deterministic: entries sorted (.dist-info last, RECORD last), timestamps from
SOURCE_DATE_EPOCH (default 1980-01-01), RECORD with sha256 digests. The build
refuses binaries that need a glibc symbol version newer than GLIBC_2.17.
"""

import argparse
import base64
import csv
import hashlib
import io
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
import zipfile
from pathlib import Path

EXAMPLES_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = EXAMPLES_DIR.parent / "templates"
VECMATH_SOURCE_DIR = EXAMPLES_DIR / "vecmath"
VECDEMO_SOURCE_DIR = EXAMPLES_DIR / "vecdemo"

VECDEMO_VERSION = "1.0.0"
# The names `auditwheel repair` would give the vendored copies (fixed, not real hashes).
VENDORED_VECMATH = "libvecmath-1a2b3c4d.so.1"
VENDORED_VECUTIL = "libvecutil-5e6f7a8b.so.1"
# The unique SONAMEs of the library wheel.
PROVIDER_VECMATH = "libvecmath_nativelib.so.1"
PROVIDER_VECUTIL = "libvecutil_nativelib.so.1"
# The newest glibc symbol version manylinux_2_17 allows.
GLIBC_FLOOR = (2, 17)

COMPILE_FLAGS = ["-O2", "-fPIC", "-Wall", "-Wextra"]


class BuildError(Exception):
    """A compiler, linker or check failed; the message says which and why."""


def run(command, cwd):
    """Run a build command, raising BuildError with its output when it fails."""
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BuildError(
            f"Command failed ({result.returncode}): {' '.join(command)}\n"
            f"{result.stdout}{result.stderr}"
        )


def compile_object(source, output, extra_flags=()):
    """Compile one C file to a position-independent object file.

    gcc runs in the source's directory with a relative file name and without
    debug info, so no build path ends up in the binary.
    """
    run(
        ["gcc", *COMPILE_FLAGS, *extra_flags, "-c", source.name, "-o", str(output)],
        cwd=source.parent,
    )


def link_shared(
    output,
    objects,
    *,
    soname=None,
    version_script=None,
    libraries=(),
    library_dir=None,
    system_libraries=(),
    rpath=None,
    new_dtags=False,
    no_undefined=False,
):
    """Link a shared object.

    `libraries` are file names found in `library_dir` (DT_NEEDED then records
    their SONAMEs), `system_libraries` plain -l names such as m; `rpath`
    becomes DT_RUNPATH when `new_dtags` is set, DT_RPATH otherwise.
    `no_undefined` makes the link fail on unresolved symbols (not for Python
    extensions, which take theirs from the interpreter).
    """
    command = ["gcc", "-shared", "-o", str(output), *map(str, objects)]
    if soname:
        command.append(f"-Wl,-soname,{soname}")
    if version_script:
        command.append(f"-Wl,--version-script={version_script}")
    if library_dir:
        command += [f"-L{library_dir}", f"-Wl,-rpath-link,{library_dir}"]
    command += [f"-l:{name}" for name in libraries]
    command += [f"-l{name}" for name in system_libraries]
    if no_undefined:
        command.append("-Wl,-z,defs")
    if rpath:
        command.append(f"-Wl,-rpath,{rpath}")
    command.append("-Wl,--enable-new-dtags" if new_dtags else "-Wl,--disable-new-dtags")
    run(command, cwd=output.parent)


def check_glibc_floor(path):
    """Refuse a binary that needs a glibc symbol version newer than GLIBC_FLOOR."""
    result = subprocess.run(
        ["objdump", "-T", str(path)], capture_output=True, text=True, check=True
    )
    for major, minor in re.findall(r"GLIBC_(\d+)\.(\d+)", result.stdout):
        if (int(major), int(minor)) > GLIBC_FLOOR:
            raise BuildError(
                f"{path.name} needs GLIBC_{major}.{minor}, newer than manylinux_2_17 allows"
            )


def build_libraries(build_dir, vecmath_flags, vecmath_name, vecutil_name, *, rpath, new_dtags):
    """Compile and link libvecutil and libvecmath into `build_dir` under the given SONAMEs."""
    build_dir.mkdir(parents=True)
    vecutil_object = build_dir / "vecutil.o"
    vecmath_object = build_dir / "vecmath.o"
    compile_object(VECMATH_SOURCE_DIR / "vecutil.c", vecutil_object)
    compile_object(VECMATH_SOURCE_DIR / "vecmath.c", vecmath_object, vecmath_flags)
    link_shared(
        build_dir / vecutil_name,
        [vecutil_object],
        soname=vecutil_name,
        version_script=VECMATH_SOURCE_DIR / "vecutil.map",
        no_undefined=True,
    )
    link_shared(
        build_dir / vecmath_name,
        [vecmath_object],
        soname=vecmath_name,
        version_script=VECMATH_SOURCE_DIR / "vecmath.map",
        libraries=[vecutil_name],
        library_dir=build_dir,
        system_libraries=["m"],
        rpath=rpath,
        new_dtags=new_dtags,
        no_undefined=True,
    )
    for name in (vecutil_name, vecmath_name):
        check_glibc_floor(build_dir / name)
    # Only the linked libraries belong in the build directory.
    vecutil_object.unlink()
    vecmath_object.unlink()
    return build_dir / vecmath_name, build_dir / vecutil_name


def build_extension(build_dir, module, library, library_dir):
    """Compile and link `vecdemo.<module>` against `library` found in `library_dir`."""
    extension_suffix = sysconfig.get_config_var("EXT_SUFFIX")
    python_include = sysconfig.get_paths()["include"]
    source = VECDEMO_SOURCE_DIR / "vecdemo" / f"{module}.c"
    object_file = build_dir / f"{module}.o"
    compile_object(source, object_file, [f"-I{python_include}", f"-I{VECMATH_SOURCE_DIR}"])
    output = build_dir / f"{module}{extension_suffix}"
    link_shared(
        output,
        [object_file],
        libraries=[library],
        library_dir=library_dir,
        rpath="$ORIGIN/../vecdemo.libs",
    )
    object_file.unlink()
    check_glibc_floor(output)
    return output


def render_template(path, values):
    """Render a template: drop its "#:" note lines and replace each {{name}}.

    Raises BuildError when a value is not used or a placeholder is left over.
    """
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    text = "".join(line for line in lines if not line.startswith("#:"))
    for name, value in values.items():
        placeholder = "{{" + name + "}}"
        if placeholder not in text:
            raise BuildError(f"Template {path} has no placeholder {placeholder}")
        text = text.replace(placeholder, value)
    leftover = re.search(r"\{\{\w*\}\}", text)
    if leftover:
        raise BuildError(f"Template {path} still has the placeholder {leftover.group(0)}")
    return text


def record_hash(data):
    """Return the RECORD digest field for `data`: sha256=<urlsafe base64, no padding>."""
    digest = hashlib.sha256(data).digest()
    return "sha256=" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def zip_timestamp():
    """Return the fixed entry timestamp: SOURCE_DATE_EPOCH, else 1980-01-01 00:00:00.

    Zip cannot store times before 1980, so earlier epochs are raised to it.
    """
    zip_epoch = 315532800
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return time.gmtime(zip_epoch)[:6]
    if not value.isdigit():
        raise BuildError(f"SOURCE_DATE_EPOCH must be a number of seconds, not {value!r}")
    return time.gmtime(max(int(value), zip_epoch))[:6]


def write_wheel(wheel_path, dist_info, files):
    """Write a wheel deterministically.

    `files` maps archive paths to bytes (everything but RECORD). Entries are
    sorted with the .dist-info directory last and RECORD at the very end;
    shared libraries get mode 0755, everything else 0644.
    """
    record_path = f"{dist_info}/RECORD"
    payload = sorted(name for name in files if not name.startswith(f"{dist_info}/"))
    metadata = sorted(name for name in files if name.startswith(f"{dist_info}/"))
    order = payload + metadata
    record = io.StringIO()
    writer = csv.writer(record, lineterminator="\n")
    for name in order:
        writer.writerow([name, record_hash(files[name]), len(files[name])])
    writer.writerow([record_path, "", ""])
    entries = [(name, files[name]) for name in order]
    entries.append((record_path, record.getvalue().encode("utf-8")))

    timestamp = zip_timestamp()
    temporary_path = wheel_path.with_name(wheel_path.name + ".part")
    with zipfile.ZipFile(temporary_path, "w") as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=timestamp)
            info.create_system = 3  # Unix, so the permission bits below are honoured
            mode = 0o755 if re.search(r"\.so(\.|$)", name) else 0o644
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data, compresslevel=6)
    temporary_path.replace(wheel_path)
    return wheel_path


def platform_tags():
    """Return (manylinux_2_17 tag, manylinux2014 tag) for this machine."""
    if not sys.platform.startswith("linux"):
        raise BuildError("The example wheels are ELF/manylinux; build them on Linux")
    machine = platform.machine()
    return f"manylinux_2_17_{machine}", f"manylinux2014_{machine}"


def build_vecdemo_wheel(build_dir, outdir):
    """Build the auditwheel-shaped vecdemo wheel and return its path."""
    libs_dir = build_dir / "vecdemo.libs"
    vecmath, vecutil = build_libraries(
        libs_dir, [], VENDORED_VECMATH, VENDORED_VECUTIL, rpath="$ORIGIN", new_dtags=False
    )
    extensions_dir = build_dir / "vecdemo"
    extensions_dir.mkdir()
    core = build_extension(extensions_dir, "_core", VENDORED_VECMATH, libs_dir)
    util = build_extension(extensions_dir, "_util", VENDORED_VECUTIL, libs_dir)

    python_tag = f"cp{sys.version_info.major}{sys.version_info.minor}"
    abi_tag = python_tag + getattr(sys, "abiflags", "")
    manylinux, manylinux2014 = platform_tags()
    dist_info = f"vecdemo-{VECDEMO_VERSION}.dist-info"
    package_dir = VECDEMO_SOURCE_DIR / "vecdemo"
    license_text = (
        (VECDEMO_SOURCE_DIR / "LICENSE.txt").read_text(encoding="utf-8")
        + "\n----\n\nThis binary distribution of vecdemo also bundles libvecmath and libvecutil\n"
        + "(vecdemo.libs/), under the following license:\n\n"
        + (VECMATH_SOURCE_DIR / "LICENSE").read_text(encoding="utf-8")
    )
    files = {
        "vecdemo/__init__.py": (package_dir / "__init__.py").read_bytes(),
        "vecdemo/_distributor_init.py": (package_dir / "_distributor_init.py").read_bytes(),
        f"vecdemo/{core.name}": core.read_bytes(),
        f"vecdemo/{util.name}": util.read_bytes(),
        f"vecdemo.libs/{vecmath.name}": vecmath.read_bytes(),
        f"vecdemo.libs/{vecutil.name}": vecutil.read_bytes(),
        f"{dist_info}/METADATA": (
            "Metadata-Version: 2.1\n"
            "Name: vecdemo\n"
            f"Version: {VECDEMO_VERSION}\n"
            "Summary: Example extension package shaped like numpy and scipy, for nativelib tests\n"
            "License: BSD-3-Clause\n"
            "Requires-Python: >=3.8\n"
        ).encode("utf-8"),
        f"{dist_info}/WHEEL": (
            "Wheel-Version: 1.0\n"
            "Generator: nativelib-examples (build_wheels.py)\n"
            "Root-Is-Purelib: false\n"
            f"Tag: {python_tag}-{abi_tag}-{manylinux}\n"
            f"Tag: {python_tag}-{abi_tag}-{manylinux2014}\n"
        ).encode("utf-8"),
        f"{dist_info}/LICENSE.txt": license_text.encode("utf-8"),
    }
    name = f"vecdemo-{VECDEMO_VERSION}-{python_tag}-{abi_tag}-{manylinux}.{manylinux2014}.whl"
    return write_wheel(outdir / name, dist_info, files)


def build_provider_wheel(build_dir, outdir, missing_symbol):
    """Build the vecmath library wheel (or its ABI-breaking 0.9.0 variant) and return its path."""
    version = "0.9.0" if missing_symbol else "1.0.0"
    vecmath_flags = [f'-DVECMATH_VERSION_STRING="{version}"']
    if missing_symbol:
        vecmath_flags.append("-DVECMATH_OMIT_VERSION")
    vecmath, vecutil = build_libraries(
        build_dir / "provider",
        vecmath_flags,
        PROVIDER_VECMATH,
        PROVIDER_VECUTIL,
        rpath="$ORIGIN",
        new_dtags=True,
    )
    manylinux, _ = platform_tags()
    dist_info = f"vecmath-{version}.dist-info"
    loader = render_template(
        TEMPLATES_DIR / "loader" / "__init__.py",
        {
            "distribution_name": "vecmath",
            "version": version,
            "layout": "package",
            "library_file": PROVIDER_VECMATH,
            "pkg_config_dir": "pkgconfig",
            "dependency_import_names": json.dumps([]),
        },
    )
    pkg_config = render_template(
        TEMPLATES_DIR / "pkgconfig.pc",
        {
            "pcfiledir_to_prefix": "../..",
            "libdir": "lib",
            "includedir": "include",
            "name": "vecmath",
            "description": "Tiny vector math library (nativelib library wheel example)",
            "version": version,
            "link_name": f":{PROVIDER_VECMATH}",
            "libs_private": f"-l:{PROVIDER_VECUTIL} -lm",
            "extra_cflags": "",
        },
    )
    cmake_config = render_template(
        TEMPLATES_DIR / "cmake-config.cmake",
        {
            "package_name": "Vecmath",
            "version": version,
            "target": "Vecmath::vecmath",
            "config_to_prefix": "../../..",
            "libdir": "lib",
            "includedir": "include",
            "library_file": PROVIDER_VECMATH,
            "soname": PROVIDER_VECMATH,
        },
    )
    cmake_config_version = render_template(
        TEMPLATES_DIR / "cmake-config-version.cmake", {"version": version}
    )
    files = {
        "vecmath/__init__.py": loader.encode("utf-8"),
        "vecmath/include/vecmath.h": (VECMATH_SOURCE_DIR / "vecmath.h").read_bytes(),
        "vecmath/include/vecutil.h": (VECMATH_SOURCE_DIR / "vecutil.h").read_bytes(),
        f"vecmath/lib/{vecmath.name}": vecmath.read_bytes(),
        f"vecmath/lib/{vecutil.name}": vecutil.read_bytes(),
        "vecmath/lib/pkgconfig/vecmath.pc": pkg_config.encode("utf-8"),
        "vecmath/lib/cmake/Vecmath/VecmathConfig.cmake": cmake_config.encode("utf-8"),
        "vecmath/lib/cmake/Vecmath/VecmathConfigVersion.cmake": cmake_config_version.encode(
            "utf-8"
        ),
        f"{dist_info}/METADATA": (
            "Metadata-Version: 2.4\n"
            "Name: vecmath\n"
            f"Version: {version}\n"
            "Summary: libvecmath and libvecutil as a nativelib library wheel (example)\n"
            "License-Expression: MIT\n"
            "License-File: LICENSE\n"
        ).encode("utf-8"),
        f"{dist_info}/WHEEL": (
            "Wheel-Version: 1.0\n"
            "Generator: nativelib-examples (build_wheels.py)\n"
            "Root-Is-Purelib: false\n"
            f"Tag: py3-none-{manylinux}\n"
        ).encode("utf-8"),
        f"{dist_info}/licenses/LICENSE": (VECMATH_SOURCE_DIR / "LICENSE").read_bytes(),
    }
    name = f"vecmath-{version}-py3-none-{manylinux}.whl"
    return write_wheel(outdir / name, dist_info, files)


def main(argv=None):
    """Parse arguments, build both wheels into OUTDIR and print their paths."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path, help="directory the wheels are written to")
    parser.add_argument(
        "--provider-missing-symbol",
        action="store_true",
        help="build the library wheel as vecmath 0.9.0 without vecmath_version (an ABI mismatch)",
    )
    arguments = parser.parse_args(argv)
    for tool in ("gcc", "objdump"):
        if shutil.which(tool) is None:
            print(f"error: {tool} is required and was not found on PATH", file=sys.stderr)
            return 2
    outdir = arguments.outdir.resolve()
    outdir.mkdir(parents=True, exist_ok=True)
    try:
        with tempfile.TemporaryDirectory(prefix="nativelib-examples-") as temporary:
            build_dir = Path(temporary)
            wheels = [
                build_vecdemo_wheel(build_dir, outdir),
                build_provider_wheel(build_dir, outdir, arguments.provider_missing_symbol),
            ]
    except BuildError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    for wheel in wheels:
        print(wheel)
    return 0


if __name__ == "__main__":
    sys.exit(main())
