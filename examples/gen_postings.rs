//! Writes a synthetic CSV of job postings for throughput measurements.
//!
//! `cargo run --release --example gen_postings -- ROWS > postings.csv`
//!
//! Deterministic (fixed seed): the same ROWS gives the same bytes. Descriptions are 1.5-3 KB of
//! prose composed from phrase lists written for this project, with commas, quotes and line
//! breaks, so the CSV has quoted multi-line fields like a real export.

use std::io::BufWriter;

const TITLES: [&str; 8] = [
    "Operations Manager",
    "Head of Operations",
    "Director of Operations",
    "Senior Director, Regional Operations",
    "VP, Operations",
    "Vice President of Operations",
    "Operations Lead - Fulfilment",
    "Director, Business Operations (Remote)",
];

const OPENERS: [&str; 6] = [
    "We are a fast-growing logistics company with sites across the country, and we are hiring.",
    "Our client, a \"people first\" healthcare provider, is looking for an operations leader.",
    "Join a team that moves millions of parcels a year, on time and on budget.",
    "This is a new role in a business that has doubled in size in two years.",
    "We build software for restaurants; our operations team keeps thousands of venues running.",
    "A mission-driven non-profit seeks an experienced, hands-on operator.",
];

const DUTIES: [&str; 16] = [
    "oversee the day-to-day activities of the warehouse, including shift schedules and rotas",
    "monitor and analyse key performance indicators to track operational performance",
    "identify areas for process improvement and implement changes that enhance efficiency",
    "set the overall operational direction and strategy of the division",
    "align operational goals with the company's broader objectives",
    "develop and implement policies and procedures to ensure operational consistency",
    "own the entire operational structure of the organization, reporting to the CEO",
    "collaborate with the CFO and other senior executives on budgets, resources and P&L",
    "manage vendor relationships, contracts and the supply chain",
    "lead, coach and develop a team of 12 supervisors and 80 associates",
    "present monthly results to the executive leadership team and, quarterly, to the board",
    "ensure compliance with health, safety and environmental regulations",
    "build relationships with key stakeholders across sales, finance and product",
    "drive cost reduction programmes worth several million dollars a year",
    "roll out new technology: a warehouse management system, scanners, dashboards",
    "coordinate with department heads to ensure operational efficiency in their areas",
];

const REQUIREMENTS: [&str; 8] = [
    "5+ years of experience in operations, logistics or manufacturing",
    "10+ years of progressive leadership, including multi-site responsibility",
    "15+ years of experience, at least 5 in an executive role",
    "a bachelor's degree in business, engineering or a related field; MBA preferred",
    "excellent communication skills, written and verbal",
    "proficiency with Excel, SQL and a BI tool (Tableau, Power BI, Looker)",
    "experience with Lean, Six Sigma or similar continuous-improvement methods",
    "willingness to travel up to 30% between sites",
];

/// xorshift64*: small, fast and reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
    /// A made-up word (a site, product or system name) out of about 20,000, so the scorer's
    /// word cache sees an open vocabulary as it does on real text.
    fn name(&mut self, out: &mut String) {
        const SYLLABLES: [&str; 28] = [
            "ka", "lo", "mi", "ven", "tor", "ra", "sel", "qu", "ant", "bri", "do", "fen", "gal",
            "hu", "is", "jor", "ke", "lum", "nor", "ox", "pel", "ros", "sta", "tri", "ul", "vo",
            "wen", "zed",
        ];
        let mut n = self.next() % 20_000;
        out.push(' ');
        for i in 0..3 {
            let s = SYLLABLES[(n % 28) as usize];
            n /= 28;
            if i == 0 {
                out.push_str(&s[..1].to_uppercase());
                out.push_str(&s[1..]);
            } else if n > 0 || i == 1 {
                out.push_str(s);
            }
        }
    }
}

fn description(rng: &mut Rng) -> String {
    let mut text = String::with_capacity(3500);
    text.push_str(rng.pick(&OPENERS));
    text.push_str("\n\nWhat you will do\n");
    let target = 1500 + (rng.next() % 1500) as usize;
    while text.len() < target {
        text.push_str("- You will ");
        text.push_str(rng.pick(&DUTIES));
        text.push_str(", and ");
        text.push_str(rng.pick(&DUTIES));
        text.push_str(" at");
        rng.name(&mut text);
        rng.name(&mut text);
        text.push_str(".\n");
    }
    text.push_str("\nWhat you bring\n");
    for _ in 0..3 {
        text.push_str("- ");
        text.push_str(rng.pick(&REQUIREMENTS));
        text.push('\n');
    }
    text
}

fn main() -> std::io::Result<()> {
    let rows: u64 = match std::env::args().nth(1).map(|s| s.parse()) {
        Some(Ok(n)) => n,
        _ => {
            eprintln!("usage: gen_postings ROWS > postings.csv");
            std::process::exit(2);
        }
    };
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let stdout = std::io::stdout();
    let mut out = csv::Writer::from_writer(BufWriter::with_capacity(1 << 20, stdout.lock()));
    out.write_record(["id", "title", "company", "description"])?;
    for id in 0..rows {
        let title = rng.pick(&TITLES);
        let company = format!("Company {}, Inc.", rng.next() % 5000);
        out.write_record([
            id.to_string().as_str(),
            title,
            &company,
            &description(&mut rng),
        ])?;
    }
    out.flush()?;
    Ok(())
}
