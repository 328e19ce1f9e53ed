//! `sotay seed`: a realistic province — ward and commune party committees, agency committees
//! with grassroots committees, chi bộ of 3–40 members with correct Vietnamese names, positions,
//! about 4% exempt and about 3% probationary — plus the six fixed demo people of README.
//! The vocabulary lives in `app/seed-data/vi.json`, not in code. Generation is deterministic
//! (fixed random seed) apart from ages, which follow today's date.

use super::repo;
use super::{NewMember, NewOrg, Org, Source};
use crate::domain::cccd::Cccd;
use crate::domain::org::OrgKind;
use crate::domain::permission::Role;
use crate::domain::phone::Phone;
use crate::domain::register::{Date, Gender, PartyDates, Position};
use crate::platform::clock::today_vn;
use crate::platform::db::Db;
use crate::platform::error::AppError;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Deserialize;
use sqlx::Connection;

const VOCABULARY: &str = include_str!("../../seed-data/vi.json");
/// Unique CCCD serials are derived from the member's index; six digits allow this many.
pub const MAX_SEED_MEMBERS: usize = 999_000;
/// Enough for the demo places: two agency cells and two wards with their "Khu phố 1".
pub const MIN_SEED_MEMBERS: usize = 200;
pub const DEFAULT_SEED_MEMBERS: usize = 3_000;
/// The password of every demo account (README).
pub const DEMO_PASSWORD: &str = "sotay2026";

#[derive(Deserialize)]
struct Vocabulary {
    province: ProvinceVocab,
    family_names: Vec<(String, u32)>,
    middle_names_male: Vec<String>,
    middle_names_female: Vec<String>,
    given_names_male: Vec<String>,
    given_names_female: Vec<String>,
    minority_names: std::collections::HashMap<String, MinorityNames>,
    ethnicities: Vec<(String, u32)>,
    hometowns: Vec<(String, u16)>,
    place_syllables_first: Vec<String>,
    place_syllables_second: Vec<String>,
    first_wards: Vec<String>,
    ward_committee: String,
    commune_committee: String,
    ward_cell: String,
    commune_cell: String,
    ward_locality: String,
    commune_locality: String,
    local_institution_cells: Vec<String>,
    agency_committees: Vec<String>,
    agency_grassroots: Vec<String>,
    agency_cells: Vec<String>,
    agency_direct_cells: Vec<String>,
    exempt_reasons: Vec<String>,
    streets: Vec<String>,
    address: String,
    demo_people: Vec<DemoVocab>,
}

#[derive(Deserialize)]
struct ProvinceVocab {
    name: String,
    code: String,
    cccd_code: u16,
}

#[derive(Deserialize)]
struct MinorityNames {
    family: Vec<String>,
    given: Vec<String>,
}

#[derive(Deserialize)]
struct DemoVocab {
    phone: Option<String>,
    name: String,
    gender: String,
    birth: String,
    place: String,
    position: Option<String>,
    role: String,
    role_en: String,
    grant: Option<String>,
    /// A fixed member code (else generated like everyone's).
    member_code: Option<String>,
    /// Whether the person gets an account (default yes).
    account: Option<bool>,
}

/// One of the fixed demo people, for README and the `seed` output.
#[derive(Clone, Debug)]
pub struct DemoPerson {
    pub phone: String,
    pub name: String,
    pub role_vi: String,
    pub role_en: String,
}

#[derive(Clone, Debug)]
pub struct SeedReport {
    pub organizations: usize,
    pub cells: usize,
    pub members: usize,
    pub exempt: usize,
    pub probationary: usize,
    pub demo_people: Vec<DemoPerson>,
}

/// Demo people belong to these cells (named by `place` in the vocabulary).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Slot {
    Ward1Cell1,
    Ward1Office,
    Ward2Cell1,
    ProvinceEditorial,
}

impl Slot {
    fn from_place(place: &str) -> Option<Slot> {
        Some(match place {
            "ward1_cell1" => Slot::Ward1Cell1,
            "ward1_office" => Slot::Ward1Office,
            "ward2_cell1" => Slot::Ward2Cell1,
            "province_editorial" => Slot::ProvinceEditorial,
            _ => return None,
        })
    }
}

struct CellPlan {
    org: Org,
    locality: String,
    slot: Option<Slot>,
}

pub fn demo_people() -> Vec<DemoPerson> {
    let vocab: Vocabulary = serde_json::from_str(VOCABULARY).expect("seed-data/vi.json is valid");
    vocab
        .demo_people
        .iter()
        .map(|d| DemoPerson {
            phone: d.phone.clone().unwrap_or_default(),
            name: d.name.clone(),
            role_vi: d.role.clone(),
            role_en: d.role_en.clone(),
        })
        .collect()
}

/// What `sotay seed` does with a database, given what it holds and the flags.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeedDecision {
    Load,
    /// `--if-empty` and the database holds data.
    Skip,
    /// Delete the register, then load.
    Replace,
    /// Demo data is there and `--replace` was not given.
    RefuseDemo,
    /// Real data is there and not both `--replace` and `--force` were given.
    RefuseReal,
}

pub fn decide(
    contents: &repo::Contents,
    if_empty: bool,
    replace: bool,
    force: bool,
) -> SeedDecision {
    if contents.organizations == 0 && contents.members == 0 {
        SeedDecision::Load
    } else if if_empty {
        SeedDecision::Skip
    } else if contents.real_rows > 0 && !(replace && force) {
        SeedDecision::RefuseReal
    } else if !replace {
        SeedDecision::RefuseDemo
    } else {
        SeedDecision::Replace
    }
}

/// Loads the demo province into an empty register, all in one transaction.
pub async fn seed(db: &Db, members: usize) -> Result<SeedReport, AppError> {
    let members = members.clamp(MIN_SEED_MEMBERS, MAX_SEED_MEMBERS);
    let vocab: Vocabulary = serde_json::from_str(VOCABULARY).map_err(|e| AppError::internal(&e))?;
    let mut rng = StdRng::seed_from_u64(2026);
    let today = today_vn();
    let demo: Vec<(Slot, &DemoVocab)> = vocab
        .demo_people
        .iter()
        .map(|d| (Slot::from_place(&d.place).expect("known demo place"), d))
        .collect();

    // Sizes of the cells, drawn until they add up to `members` (mean ≈ 27, range 3–40).
    let mut sizes = Vec::new();
    let mut left = members;
    while left > 0 {
        let u: f64 = rng.random();
        let size = (3 + (37.0 * u.sqrt()) as usize).min(40);
        if left < size + 3 {
            sizes.push(left);
            left = 0;
        } else {
            sizes.push(size);
            left -= size;
        }
    }

    let mut conn = db.pool().acquire().await?;
    let mut tx = conn.begin().await?;
    let mut org_count = 0usize;
    let new_org = |kind: OrgKind, name: String, code: String| NewOrg {
        kind,
        name,
        code,
        source: Source::Demo,
    };

    let province = repo::insert_org(
        &mut tx,
        None,
        &new_org(
            OrgKind::Province,
            vocab.province.name.clone(),
            vocab.province.code.clone(),
        ),
    )
    .await?;
    org_count += 1;

    // About a tenth of the cells sit in the two agency committees, the rest in wards and communes.
    let agency_cells = (sizes.len() / 10).max(vocab.agency_direct_cells.len().min(2));
    let mut plans: Vec<CellPlan> = Vec::with_capacity(sizes.len());
    let mut committee_no = 0usize;

    // Agency committees: direct grassroots cells, then grassroots committees with cells.
    let mut agency_left = agency_cells;
    for (a, name) in vocab.agency_committees.iter().enumerate() {
        if agency_left == 0 {
            break;
        }
        committee_no += 1;
        let committee = repo::insert_org(
            &mut tx,
            Some(&province),
            &new_org(
                OrgKind::Committee,
                name.clone(),
                format!("{}.{:03}", province.code, committee_no),
            ),
        )
        .await?;
        org_count += 1;
        let share = if a + 1 == vocab.agency_committees.len() {
            agency_left
        } else {
            agency_left.div_ceil(2)
        };
        agency_left -= share;
        let mut made = 0usize;
        let mut child_no = 0usize;
        if a == 0 {
            for (i, cell_name) in vocab.agency_direct_cells.iter().enumerate() {
                if made == share {
                    break;
                }
                child_no += 1;
                let cell = repo::insert_org(
                    &mut tx,
                    Some(&committee),
                    &new_org(
                        OrgKind::GrassrootsCell,
                        cell_name.clone(),
                        format!("{}.{:03}", committee.code, child_no),
                    ),
                )
                .await?;
                org_count += 1;
                plans.push(CellPlan {
                    org: cell,
                    locality: String::new(),
                    slot: (i == 0).then_some(Slot::ProvinceEditorial),
                });
                made += 1;
            }
        }
        let mut g = 0usize;
        while made < share {
            child_no += 1;
            let base = &vocab.agency_grassroots[g % vocab.agency_grassroots.len()];
            let round = g / vocab.agency_grassroots.len();
            let gname = if round == 0 {
                base.clone()
            } else {
                format!("{base} {}", round + 1)
            };
            g += 1;
            let grassroots = repo::insert_org(
                &mut tx,
                Some(&committee),
                &new_org(
                    OrgKind::GrassrootsCommittee,
                    gname,
                    format!("{}.{:03}", committee.code, child_no),
                ),
            )
            .await?;
            org_count += 1;
            let n = rng.random_range(3..=6).min(share - made);
            for k in 0..n {
                let cname = vocab.agency_cells[k % vocab.agency_cells.len()].clone();
                let cell = repo::insert_org(
                    &mut tx,
                    Some(&grassroots),
                    &new_org(
                        OrgKind::Cell,
                        cname,
                        format!("{}.{:02}", grassroots.code, k + 1),
                    ),
                )
                .await?;
                org_count += 1;
                plans.push(CellPlan {
                    org: cell,
                    locality: String::new(),
                    slot: None,
                });
            }
            made += n;
        }
    }

    // Wards and communes: 25–55 cells each; the first two are the demo wards.
    let place_names = place_names(&vocab, &mut rng);
    let mut ward_index = 0usize;
    let mut first_ward: Option<Org> = None;
    while plans.len() < sizes.len() {
        let remaining = sizes.len() - plans.len();
        let n = if ward_index < 2 {
            remaining
                .min(rng.random_range(25..=55))
                .min(remaining.div_ceil(2).max(1))
        } else {
            remaining.min(rng.random_range(25..=55))
        };
        let n = n.max(if ward_index == 0 { 2 } else { 1 });
        let is_ward = ward_index < 2 || rng.random_bool(0.4);
        let name = &place_names[ward_index % place_names.len()];
        let name = if ward_index < place_names.len() {
            name.clone()
        } else {
            format!("{name} {}", ward_index / place_names.len() + 1)
        };
        committee_no += 1;
        let (committee_name, locality) = if is_ward {
            (
                vocab.ward_committee.replace("{name}", &name),
                vocab.ward_locality.replace("{name}", &name),
            )
        } else {
            (
                vocab.commune_committee.replace("{name}", &name),
                vocab.commune_locality.replace("{name}", &name),
            )
        };
        let committee = repo::insert_org(
            &mut tx,
            Some(&province),
            &new_org(
                OrgKind::Committee,
                committee_name,
                format!("{}.{:03}", province.code, committee_no),
            ),
        )
        .await?;
        org_count += 1;
        if ward_index == 0 {
            first_ward = Some(committee.clone());
        }
        // The first ward always has its office cell (demo admin) and "Khu phố 1"; the second
        // always has "Khu phố 1".
        let institutions = if n >= 6 {
            rng.random_range(2..=4)
                .min(vocab.local_institution_cells.len())
        } else if ward_index == 0 {
            1
        } else {
            0
        };
        for k in 0..n {
            let (cname, slot) = if k < institutions {
                (
                    vocab.local_institution_cells[k].clone(),
                    (ward_index == 0 && k == 0).then_some(Slot::Ward1Office),
                )
            } else {
                let number = k - institutions + 1;
                let template = if is_ward {
                    &vocab.ward_cell
                } else {
                    &vocab.commune_cell
                };
                let slot = match (ward_index, number) {
                    (0, 1) => Some(Slot::Ward1Cell1),
                    (1, 1) => Some(Slot::Ward2Cell1),
                    _ => None,
                };
                (template.replace("{n}", &number.to_string()), slot)
            };
            let cell = repo::insert_org(
                &mut tx,
                Some(&committee),
                &new_org(
                    OrgKind::Cell,
                    cname,
                    format!("{}.{:03}", committee.code, k + 1),
                ),
            )
            .await?;
            org_count += 1;
            plans.push(CellPlan {
                org: cell,
                locality: locality.clone(),
                slot,
            });
        }
        ward_index += 1;
    }
    plans.truncate(sizes.len());

    // Members, cell by cell; demo people take the first places of their cells.
    let mut batch: Vec<NewMember> = Vec::with_capacity(4_000);
    let mut index = 0usize;
    let (mut exempt, mut probationary) = (0usize, 0usize);
    let mut people = Vec::new();
    for (plan, &size) in plans.iter().zip(&sizes) {
        let here: Vec<&DemoVocab> = demo
            .iter()
            .filter(|(s, _)| Some(*s) == plan.slot)
            .map(|(_, d)| *d)
            .collect();
        let taken: Vec<Position> = here
            .iter()
            .filter_map(|d| d.position.as_deref().and_then(Position::from_code))
            .collect();
        let mut open_positions: Vec<Position> = Vec::new();
        for p in [
            Position::Secretary,
            Position::DeputySecretary,
            Position::CommitteeMember,
            Position::CommitteeMember,
        ] {
            let wanted = match p {
                Position::Secretary => true,
                Position::DeputySecretary => size >= 5,
                Position::CommitteeMember => size >= 9,
            };
            if wanted && (p == Position::CommitteeMember || !taken.contains(&p)) {
                open_positions.push(p);
            }
        }
        let size = size.max(here.len() + 1);
        for slot in 0..size {
            index += 1;
            let m = if let Some(d) = here.get(slot) {
                people.push(DemoPerson {
                    phone: d.phone.clone().unwrap_or_default(),
                    name: d.name.clone(),
                    role_vi: d.role.clone(),
                    role_en: d.role_en.clone(),
                });
                demo_member(&vocab, d, plan, index, today)?
            } else {
                let position = open_positions.get(slot - here.len()).copied();
                generated_member(&vocab, &mut rng, plan, index, position, today)
            };
            exempt += m.dates.exempt_since.is_some() as usize;
            probationary += m.dates.official.is_none() as usize;
            batch.push(m);
        }
        if batch.len() >= 3_600 {
            repo::insert_members(&mut tx, &batch).await?;
            batch.clear();
        }
    }
    repo::insert_members(&mut tx, &batch).await?;

    // Accounts of the demo people (password `sotay2026`, one hash for all six) and their roles:
    // 0900000003 administers the first ward, 0900000004 is on the province's editorial board.
    let hash = crate::accounts::service::hash_password(DEMO_PASSWORD.to_string()).await?;
    let now = crate::platform::clock::now_unix();
    for d in vocab
        .demo_people
        .iter()
        .filter(|d| d.account.unwrap_or(true))
    {
        let member_id =
            sqlx::query_scalar::<sqlx::Any, i64>("SELECT id FROM members WHERE phone = $1")
                .bind(&d.phone)
                .fetch_one(&mut *tx)
                .await?;
        let account_id = crate::accounts::service::insert_account(
            &mut tx,
            member_id,
            Some(&hash),
            crate::domain::account::AccountStatus::Active,
            now,
        )
        .await?;
        let grant = match d.grant.as_deref() {
            Some("admin_ward1") => first_ward.as_ref().map(|w| (w.id, Role::Admin)),
            Some("editor_province") => Some((province.id, Role::Editor)),
            _ => None,
        };
        if let Some((org_id, role)) = grant {
            crate::accounts::service::insert_grant(&mut tx, account_id, org_id, role, None, now)
                .await?;
        }
    }
    tx.commit().await?;

    Ok(SeedReport {
        organizations: org_count,
        cells: plans.len(),
        members: index,
        exempt,
        probationary,
        demo_people: people,
    })
}

fn place_names(vocab: &Vocabulary, rng: &mut StdRng) -> Vec<String> {
    let mut names: Vec<String> = vocab.first_wards.clone();
    let mut combos: Vec<String> = vocab
        .place_syllables_first
        .iter()
        .flat_map(|a| {
            vocab
                .place_syllables_second
                .iter()
                .filter(move |b| *b != a)
                .map(move |b| format!("{a} {b}"))
        })
        .filter(|n| !names.contains(n))
        .collect();
    // Fisher–Yates with our seeded generator, so every run names places alike.
    for i in (1..combos.len()).rev() {
        let j = rng.random_range(0..=i);
        combos.swap(i, j);
    }
    names.append(&mut combos);
    names
}

fn weighted<'a, T>(rng: &mut StdRng, items: &'a [(T, u32)]) -> &'a T {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut pick = rng.random_range(0..total);
    for (item, w) in items {
        if pick < *w {
            return item;
        }
        pick -= w;
    }
    &items[items.len() - 1].0
}

fn pick<'a>(rng: &mut StdRng, items: &'a [String]) -> &'a str {
    &items[rng.random_range(0..items.len())]
}

fn random_date(rng: &mut StdRng, year: i32) -> Date {
    Date {
        year,
        month: rng.random_range(1..=12),
        day: rng.random_range(1..=28),
    }
}

fn days_before(today: Date, days: i64) -> Date {
    // Walk back month by month; precision to the day is not needed for demo data.
    let months = (days / 30) as u32;
    let mut d = today;
    for _ in 0..months {
        d = if d.month == 1 {
            Date {
                year: d.year - 1,
                month: 12,
                day: d.day.min(28),
            }
        } else {
            Date {
                year: d.year,
                month: d.month - 1,
                day: d.day.min(28),
            }
        };
    }
    d
}

fn generated_member(
    vocab: &Vocabulary,
    rng: &mut StdRng,
    plan: &CellPlan,
    index: usize,
    position: Option<Position>,
    today: Date,
) -> NewMember {
    let gender = if rng.random_bool(0.64) {
        Gender::Male
    } else {
        Gender::Female
    };
    let ethnicity = weighted(rng, &vocab.ethnicities).clone();
    let full_name = match vocab.minority_names.get(&ethnicity) {
        Some(names) => format!("{} {}", pick(rng, &names.family), pick(rng, &names.given)),
        None => {
            let family = weighted(rng, &vocab.family_names);
            let (middle, given) = match gender {
                Gender::Male => (
                    pick(rng, &vocab.middle_names_male),
                    pick(rng, &vocab.given_names_male),
                ),
                Gender::Female => (
                    pick(rng, &vocab.middle_names_female),
                    pick(rng, &vocab.given_names_female),
                ),
            };
            format!("{family} {middle} {given}")
        }
    };
    let band: f64 = rng.random();
    let birth_year = today.year
        - if band < 0.15 {
            rng.random_range(70..=88)
        } else if band < 0.40 {
            rng.random_range(56..=69)
        } else if band < 0.75 {
            rng.random_range(41..=55)
        } else {
            rng.random_range(22..=40)
        };
    let birth = random_date(rng, birth_year);
    let age = birth.years_until(today);
    let probation = position.is_none() && age <= 45 && rng.random_bool(0.09);
    let (joined, official) = if probation {
        (days_before(today, rng.random_range(30..330)), None)
    } else {
        let latest = (age - 2).max(18);
        let joined_age = rng.random_range(18..=latest.clamp(18, 45));
        let joined = random_date(rng, birth_year + joined_age).max(birth.add_months(18 * 12 + 1));
        let joined = joined.min(days_before(today, 400));
        (joined, Some(joined.add_months(12)))
    };
    let exempt_since = (position.is_none() && age >= 68 && rng.random_bool(0.25)).then(|| {
        Date {
            year: today.year - rng.random_range(1..=6),
            month: rng.random_range(1..=12),
            day: 1,
        }
        .max(joined)
    });
    let exempt_reason = exempt_since.map(|_| pick(rng, &vocab.exempt_reasons).to_string());
    let (hometown, cccd_province) = {
        let (h, c) = &vocab.hometowns[if rng.random_bool(0.55) {
            0
        } else {
            rng.random_range(0..vocab.hometowns.len())
        }];
        (h.clone(), *c)
    };
    let phone = rng.random_bool(0.92).then(|| {
        let prefix = ["03", "05", "07", "08", "09"][index % 5];
        Phone::parse(&format!("{prefix}{:08}", 10_000_000 + index))
            .expect("generated phone is valid")
    });
    let address = (!plan.locality.is_empty()).then(|| {
        vocab
            .address
            .replace("{n}", &rng.random_range(1..=300).to_string())
            .replace("{street}", pick(rng, &vocab.streets))
            .replace("{place}", &plan.locality)
    });
    let dates = PartyDates {
        birth,
        joined,
        official,
        exempt_since,
    };
    NewMember {
        org_id: plan.org.id,
        member_code: format!("{}{:08}", vocab.province.code, index),
        full_name,
        gender,
        ethnicity,
        hometown: Some(hometown),
        cccd: rng
            .random_bool(0.95)
            .then(|| Cccd::compose(cccd_province, birth.year, gender, index as u32)),
        phone,
        card_number: official.map(|_| format!("{}.{:07}", vocab.province.code, index)),
        dates,
        exempt_reason,
        position,
        address,
        source: Source::Demo,
    }
}

fn demo_member(
    vocab: &Vocabulary,
    d: &DemoVocab,
    plan: &CellPlan,
    index: usize,
    today: Date,
) -> Result<NewMember, AppError> {
    let gender = Gender::from_code(&d.gender).ok_or_else(|| AppError::internal(&"demo gender"))?;
    let birth = Date::parse(&d.birth).map_err(|e| AppError::internal(&e))?;
    let joined = birth.add_months(12 * 25).min(days_before(today, 400));
    let official = Some(joined.add_months(12));
    let dates = PartyDates::parse(birth, joined, official, None, today)
        .map_err(|_| AppError::internal(&"demo dates"))?;
    Ok(NewMember {
        org_id: plan.org.id,
        member_code: d
            .member_code
            .clone()
            .unwrap_or_else(|| format!("{}{:08}", vocab.province.code, index)),
        full_name: d.name.clone(),
        gender,
        ethnicity: vocab.ethnicities[0].0.clone(),
        hometown: Some(vocab.hometowns[0].0.clone()),
        cccd: Some(Cccd::compose(
            vocab.province.cccd_code,
            birth.year,
            gender,
            index as u32,
        )),
        phone: d
            .phone
            .as_deref()
            .map(Phone::parse)
            .transpose()
            .map_err(|e| AppError::internal(&e))?,
        card_number: Some(format!("{}.{:07}", vocab.province.code, index)),
        dates,
        exempt_reason: None,
        position: d.position.as_deref().and_then(Position::from_code),
        address: (!plan.locality.is_empty()).then(|| {
            vocab
                .address
                .replace("{n}", "1")
                .replace("{street}", &vocab.streets[0])
                .replace("{place}", &plan.locality)
        }),
        source: Source::Demo,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_decisions() {
        let empty = repo::Contents {
            organizations: 0,
            members: 0,
            real_rows: 0,
        };
        let demo = repo::Contents {
            organizations: 10,
            members: 100,
            real_rows: 0,
        };
        let real = repo::Contents {
            organizations: 10,
            members: 100,
            real_rows: 3,
        };
        assert_eq!(decide(&empty, false, false, false), SeedDecision::Load);
        assert_eq!(decide(&empty, true, false, false), SeedDecision::Load);
        assert_eq!(decide(&demo, true, false, false), SeedDecision::Skip);
        assert_eq!(decide(&demo, false, false, false), SeedDecision::RefuseDemo);
        assert_eq!(decide(&demo, false, true, false), SeedDecision::Replace);
        assert_eq!(decide(&real, false, true, false), SeedDecision::RefuseReal);
        assert_eq!(decide(&real, false, false, true), SeedDecision::RefuseReal);
        assert_eq!(decide(&real, false, true, true), SeedDecision::Replace);
        assert_eq!(decide(&real, true, true, true), SeedDecision::Skip);
    }

    #[test]
    fn vocabulary_parses_and_names_the_demo_places() {
        let vocab: Vocabulary = serde_json::from_str(VOCABULARY).unwrap();
        assert_eq!(vocab.demo_people.len(), 7);
        for d in &vocab.demo_people {
            assert!(Slot::from_place(&d.place).is_some(), "{}", d.place);
            assert!(d
                .phone
                .as_deref()
                .map(|p| Phone::parse(p).is_ok())
                .unwrap_or(true));
            assert!(Date::parse(&d.birth).is_ok());
        }
        assert!(vocab
            .demo_people
            .iter()
            .any(|d| d.birth.starts_with("1946")));
    }

    #[test]
    fn generated_members_follow_the_register_rules() {
        let vocab: Vocabulary = serde_json::from_str(VOCABULARY).unwrap();
        let mut rng = StdRng::seed_from_u64(1);
        let today = Date::new(2026, 11, 22).unwrap();
        let plan = CellPlan {
            org: Org {
                id: 1,
                parent_id: None,
                kind: OrgKind::Cell,
                name: "x".into(),
                code: "x".into(),
                path: crate::domain::org::OrgPath::root(1),
                depth: 0,
            },
            locality: "phường Xuân Hương".into(),
            slot: None,
        };
        let mut exempt = 0;
        for i in 1..=5_000 {
            let m = generated_member(&vocab, &mut rng, &plan, i, None, today);
            PartyDates::parse(
                m.dates.birth,
                m.dates.joined,
                m.dates.official,
                m.dates.exempt_since,
                today,
            )
            .unwrap_or_else(|e| panic!("{e:?} {:?}", m.dates));
            assert_eq!(m.exempt_reason.is_some(), m.dates.exempt_since.is_some());
            assert_eq!(m.card_number.is_some(), m.dates.official.is_some());
            if let Some(c) = &m.cccd {
                assert!(Cccd::parse(c.as_str()).is_ok());
                assert!(c.agrees_with(m.dates.birth.year, m.gender));
            }
            assert!(m.full_name.split(' ').count() >= 2);
            exempt += m.dates.exempt_since.is_some() as usize;
        }
        // About 4% exempt.
        assert!((100..=350).contains(&exempt), "{exempt}");
    }
}
