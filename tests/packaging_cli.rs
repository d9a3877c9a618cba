//! What an installer or a packager relies on: `--version` names the compiled-in model, and the
//! shell completions and the man page are generated from the real command definitions.

mod common;
use common::joblevel;

fn stdout_of(args: &[&str]) -> String {
    let out = joblevel().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

const COMMANDS: [&str; 6] = ["classify", "batch", "title", "fit", "eval", "train"];

#[test]
fn version_names_the_crate_version_and_the_compiled_in_model_file() {
    let model = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/training/model.json")).unwrap();
    let fnv = model.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    let version = stdout_of(&["--version"]);
    assert!(
        version.starts_with(&format!("joblevel {} ", env!("CARGO_PKG_VERSION"))),
        "{version}"
    );
    assert!(
        version.contains(&format!("{fnv:016x}")),
        "{version} lacks {fnv:016x}"
    );
}

#[test]
fn completions_cover_every_command_in_each_shell() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let script = stdout_of(&["completions", shell]);
        for command in COMMANDS {
            assert!(
                script.contains(command),
                "{shell} completions lack {command}"
            );
        }
    }
    joblevel().args(["completions", "tcsh"]).assert().code(2);
}

#[test]
fn man_page_is_roff_and_lists_every_command() {
    let page = stdout_of(&["man"]);
    assert!(
        page.contains(".TH joblevel 1"),
        "{}",
        &page[..page.len().min(200)]
    );
    for command in COMMANDS {
        assert!(page.contains(command), "man page lacks {command}");
    }
}
