//! Where a command writes its result, so that nothing the user had is lost.
//!
//! A file is written to a temporary file beside it and renamed over it only when the run has
//! succeeded: a failed or interrupted run (Ctrl-C, SIGTERM) leaves the old file as it was, or
//! no file. The output may not be one of the inputs (also through a link or as stdout), since
//! the first write would destroy what is still to be read.

use super::Error;
use std::fs::{File, Metadata};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// An output being written: stdout, a device or pipe written directly, or a temporary file
/// renamed over the target by [`Output::commit`].
pub enum Output {
    Stdout(io::Stdout),
    Direct(File, PathBuf),
    Atomic(tempfile::NamedTempFile, PathBuf),
}

/// Temporary files to remove if the process is interrupted (one whose run failed may stay
/// listed after its drop removed it; removing it again is harmless).
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

impl Output {
    /// The output at `path` (stdout for `None` or `-`). Refused when it is one of `inputs`
    /// (`-` standing for stdin). Call it once the input is known to be usable (its header
    /// read), so that a run that fails at once creates nothing.
    pub fn create(path: Option<&Path>, inputs: &[&Path]) -> Result<Output, Error> {
        let path = path.filter(|p| *p != Path::new("-"));
        refuse_overwriting_inputs(path, inputs)?;
        let Some(path) = path else {
            return Ok(Output::Stdout(io::stdout()));
        };
        let io_err = |source| Error::io(path.to_path_buf(), source);
        // Write through a link to its target, and straight into what is not a regular file
        // (`-o /dev/null`, a named pipe): renaming over those would replace them.
        let target = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let existing = std::fs::metadata(&target).ok();
        if existing.as_ref().is_some_and(|m| !m.is_file()) {
            return Ok(Output::Direct(
                File::create(&target).map_err(io_err)?,
                target,
            ));
        }
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let name = target
            .file_name()
            .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
        let prefix = format!(".{name}.");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".partial");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // As `File::create` would (the umask applies); an existing file keeps its mode below.
            builder.permissions(std::fs::Permissions::from_mode(0o666));
        }
        let temp = builder.tempfile_in(dir).map_err(io_err)?;
        if let Some(m) = existing {
            let _ = std::fs::set_permissions(temp.path(), m.permissions());
        }
        remove_on_interrupt(temp.path().to_path_buf());
        Ok(Output::Atomic(temp, target))
    }

    pub fn is_stdout(&self) -> bool {
        matches!(self, Output::Stdout(_))
    }

    /// The path the user sees (`-` for stdout).
    pub fn path(&self) -> PathBuf {
        match self {
            Output::Stdout(_) => PathBuf::from("-"),
            Output::Direct(_, p) | Output::Atomic(_, p) => p.clone(),
        }
    }

    /// Flushes and puts the output in place.
    pub fn commit(self) -> Result<(), Error> {
        let path = self.path();
        let io_err = |source| Error::io(path.clone(), source);
        match self {
            Output::Stdout(mut out) => out.flush().map_err(io_err),
            Output::Direct(mut f, _) => f.flush().map_err(io_err),
            Output::Atomic(temp, target) => {
                let temp_path = temp.path().to_path_buf();
                let result = temp.persist(&target).map(drop).map_err(|e| io_err(e.error));
                forget_pending(&temp_path);
                result
            }
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Output::Stdout(out) => out.write(buf),
            Output::Direct(f, _) => f.write(buf),
            Output::Atomic(temp, _) => temp.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match self {
            Output::Stdout(out) => out.write_all(buf),
            Output::Direct(f, _) => f.write_all(buf),
            Output::Atomic(temp, _) => temp.write_all(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Output::Stdout(out) => out.flush(),
            Output::Direct(f, _) => f.flush(),
            Output::Atomic(temp, _) => temp.flush(),
        }
    }
}

impl Output {
    /// Errors when the output (a path, or stdout for `None` or `-`) is the same file as one
    /// of `inputs` (`-` standing for stdin), compared by device and inode, so a link to the
    /// input is refused too.
    pub fn refuse_overwriting_inputs(output: Option<&Path>, inputs: &[&Path]) -> Result<(), Error> {
        refuse_overwriting_inputs(output.filter(|p| *p != Path::new("-")), inputs)
    }
}

fn refuse_overwriting_inputs(output: Option<&Path>, inputs: &[&Path]) -> Result<(), Error> {
    let out = match output {
        Some(p) => std::fs::metadata(p).ok(),
        None => stdout_metadata(),
    };
    let Some(out) = out.filter(Metadata::is_file) else {
        return Ok(());
    };
    for input in inputs {
        let (meta, shown) = if *input == Path::new("-") {
            (stdin_metadata(), "stdin".to_string())
        } else {
            (std::fs::metadata(input).ok(), input.display().to_string())
        };
        if meta.is_some_and(|m| same_file(&m, &out)) {
            let what = match output {
                Some(p) => format!("the output {}", p.display()),
                None => "stdout".to_string(),
            };
            return Err(Error::Usage(format!(
                "{what} is the input ({shown}): writing it would destroy the data still to be \
                 read; write to another file (e.g. -o scored.csv)"
            )));
        }
    }
    Ok(())
}

#[cfg(unix)]
fn same_file(a: &Metadata, b: &Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same_file(_: &Metadata, _: &Metadata) -> bool {
    false
}

#[cfg(unix)]
fn stdout_metadata() -> Option<Metadata> {
    use std::os::fd::AsFd;
    let fd = io::stdout().as_fd().try_clone_to_owned().ok()?;
    File::from(fd).metadata().ok()
}

#[cfg(unix)]
fn stdin_metadata() -> Option<Metadata> {
    use std::os::fd::AsFd;
    let fd = io::stdin().as_fd().try_clone_to_owned().ok()?;
    File::from(fd).metadata().ok()
}

#[cfg(not(unix))]
fn stdout_metadata() -> Option<Metadata> {
    None
}

#[cfg(not(unix))]
fn stdin_metadata() -> Option<Metadata> {
    None
}

/// Registers `path` for removal on Ctrl-C or SIGTERM, which end the process without running
/// destructors; the handler is installed the first time.
fn remove_on_interrupt(path: PathBuf) {
    let mut pending = PENDING.lock().unwrap_or_else(|e| e.into_inner());
    pending.push(path);
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        // If a handler cannot be installed, an interrupted run leaves a hidden `.partial`
        // file beside the target; the target itself is untouched either way.
        let _ = ctrlc::set_handler(|| {
            let pending = PENDING.lock().unwrap_or_else(|e| e.into_inner());
            for path in pending.iter() {
                let _ = std::fs::remove_file(path);
            }
            eprintln!("joblevel: interrupted; no output written");
            std::process::exit(130);
        });
    });
}

fn forget_pending(path: &Path) {
    let mut pending = PENDING.lock().unwrap_or_else(|e| e.into_inner());
    pending.retain(|p| p != path);
}
