//! Evaluating members (đánh giá, xếp loại chất lượng đảng viên, docs/DOMAIN.md "Member
//! evaluation"): the frame of criteria and grades is data — a versioned [`Framework`] per member
//! group, stored in the database — so a new regulation is a new row, not new code. What is here
//! is what every framework obeys: the points a member may give themself, the grade a total and
//! the tasks' outcome reach, the share of excellent grades an organisation allows.

use super::code::coded_enum;
use super::register::FieldError;
use serde::{Deserialize, Serialize};

coded_enum!(
    /// The four grades, best first.
    Grade {
        /// Hoàn thành xuất sắc nhiệm vụ.
        Excellent = "xuat_sac",
        /// Hoàn thành tốt nhiệm vụ.
        Good = "tot",
        /// Hoàn thành nhiệm vụ.
        Completed = "hoan_thanh",
        /// Không hoàn thành nhiệm vụ.
        NotCompleted = "khong_hoan_thanh",
    }
);

coded_enum!(
    /// How often an evaluation is made.
    PeriodKind {
        /// Hằng quý.
        Quarter = "quy",
        /// Hằng năm.
        Year = "nam",
        /// Cuối nhiệm kỳ.
        Term = "nhiem_ky",
        /// Khi cần thiết.
        Adhoc = "dot_xuat",
    }
);

coded_enum!(
    /// The member groups a framework has a frame for.
    MemberGroup {
        /// Holding a leadership or management position.
        WithPosition = "co_chuc_vu",
        /// Working in the political system without a position.
        WithoutPosition = "khong_chuc_vu",
        /// Working outside the political system (or retired).
        OutsideSystem = "ngoai_he_thong",
    }
);

coded_enum!(
    /// The two parts of the 100-point frame.
    CriterionPart {
        /// The general criteria (ideology, ethics, discipline, work style).
        General = "chung",
        /// The results of assigned tasks.
        Tasks = "nhiem_vu",
    }
);

coded_enum!(
    /// A cell's evaluation period.
    PeriodStatus {
        /// Members self-assess, the cell discusses and proposes.
        Open = "mo",
        /// Every grade decided and published.
        Closed = "dong",
    }
);

coded_enum!(
    /// Where one member's evaluation stands, in the order of the steps.
    EvaluationStatus {
        /// Waiting for the member's self-assessment.
        Pending = "cho_tu_danh_gia",
        /// Self-assessed (by the member, or recorded for them).
        SelfAssessed = "da_tu_danh_gia",
        /// The cell's leadership has proposed a grade.
        Proposed = "de_xuat",
        /// The committee above has decided the grade.
        Decided = "quyet_dinh",
        /// The grade is published to the member.
        Published = "cong_bo",
    }
);

/// The longest self-assessment text, in characters.
pub const TEXT_MAX: usize = 4000;
/// The longest reason for a committee's change of the proposed grade.
pub const REASON_MAX: usize = 1000;

/// One criterion of a frame, with its titles in both languages (data, not code).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Criterion {
    /// Stable within the framework (`y_thuc_chinh_tri`…): scores are stored by it.
    pub code: String,
    pub part: CriterionPart,
    pub max_points: u32,
    pub title_vi: String,
    pub title_en: String,
}

/// The least a grade needs: points, and how the assigned tasks came out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GradeRule {
    pub grade: Grade,
    pub min_points: u32,
    /// Every assigned task done.
    #[serde(default)]
    pub all_tasks_done: bool,
    /// At least this share (percent) of tasks exceeded.
    #[serde(default)]
    pub min_exceeded_percent: Option<u32>,
    /// At most this share (percent) of tasks late.
    #[serde(default)]
    pub max_late_percent: Option<u32>,
}

/// The frame of one member group: its criteria and its grade rules, best grade first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupFrame {
    pub group: MemberGroup,
    pub criteria: Vec<Criterion>,
    pub grades: Vec<GradeRule>,
}

/// A regulation's frame: one per member group.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Framework {
    /// `366-QD-TW`.
    pub code: String,
    /// The regulation's reference as written (`Quy định 366-QĐ/TW`).
    pub title: String,
    /// ISO date from which new periods use it.
    pub effective_from: String,
    pub groups: Vec<GroupFrame>,
}

/// What is wrong with a framework's data (for the operator loading it, not for members).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FrameworkError {
    MissingGroup(MemberGroup),
    DuplicateGroup(MemberGroup),
    DuplicateCriterion(String),
    TotalNot100(MemberGroup, u32),
    /// Grade rules must go best to worst with falling thresholds and end with one at 0
    /// points and no task condition, so every outcome gets a grade.
    GradeOrder(MemberGroup),
}

impl Framework {
    /// Checks the data: every group once, each group's criteria add up to 100 with unique
    /// codes, and its grade rules give every outcome exactly one grade.
    pub fn check(&self) -> Result<(), FrameworkError> {
        for g in MemberGroup::ALL {
            match self.groups.iter().filter(|f| f.group == *g).count() {
                0 => return Err(FrameworkError::MissingGroup(*g)),
                1 => {}
                _ => return Err(FrameworkError::DuplicateGroup(*g)),
            }
        }
        for f in &self.groups {
            let mut codes = std::collections::HashSet::new();
            for c in &f.criteria {
                if c.code.is_empty() || !codes.insert(c.code.as_str()) {
                    return Err(FrameworkError::DuplicateCriterion(c.code.clone()));
                }
            }
            let total = f.max_points();
            if total != 100 {
                return Err(FrameworkError::TotalNot100(f.group, total));
            }
            let ordered = f
                .grades
                .windows(2)
                .all(|w| rank(w[0].grade) < rank(w[1].grade) && w[0].min_points >= w[1].min_points);
            let floor = f.grades.last().is_some_and(|r| {
                r.min_points == 0
                    && !r.all_tasks_done
                    && r.min_exceeded_percent.is_none()
                    && r.max_late_percent.is_none()
            });
            if !ordered || !floor {
                return Err(FrameworkError::GradeOrder(f.group));
            }
        }
        Ok(())
    }

    pub fn frame(&self, group: MemberGroup) -> Option<&GroupFrame> {
        self.groups.iter().find(|f| f.group == group)
    }
}

fn rank(g: Grade) -> usize {
    Grade::ALL
        .iter()
        .position(|x| *x == g)
        .unwrap_or(usize::MAX)
}

/// How the member's assigned tasks came out in the period.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskOutcome {
    pub all_done: bool,
    /// Share of tasks exceeded, percent.
    pub exceeded_percent: u32,
    /// Share of tasks late, percent.
    pub late_percent: u32,
}

impl GroupFrame {
    pub fn max_points(&self) -> u32 {
        self.criteria.iter().map(|c| c.max_points).sum()
    }

    /// The best grade whose rule the total and the tasks' outcome meet.
    pub fn grade(&self, points: u32, tasks: TaskOutcome) -> Grade {
        self.grades
            .iter()
            .find(|r| {
                points >= r.min_points
                    && (!r.all_tasks_done || tasks.all_done)
                    && r.min_exceeded_percent
                        .is_none_or(|m| tasks.exceeded_percent >= m)
                    && r.max_late_percent.is_none_or(|m| tasks.late_percent <= m)
            })
            .map(|r| r.grade)
            // `Framework::check` guarantees a floor rule; a frame without one grades nobody up.
            .unwrap_or(Grade::NotCompleted)
    }
}

/// A member's self-assessment, parsed from the form against their group's frame.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelfAssessment {
    /// Points per criterion, in the frame's order.
    pub scores: Vec<(String, u32)>,
    pub tasks: TaskOutcome,
    pub text: Option<String>,
}

impl SelfAssessment {
    /// `points` holds the form's text per criterion code; every criterion must be given, a
    /// whole number from 0 to its maximum (field `pt_<code>`). The shares are percentages
    /// (0–100, empty is 0). Every field's error at once.
    pub fn parse(
        frame: &GroupFrame,
        points: &[(String, String)],
        all_done: bool,
        exceeded_percent: &str,
        late_percent: &str,
        text: &str,
    ) -> Result<SelfAssessment, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut scores = Vec::with_capacity(frame.criteria.len());
        for c in &frame.criteria {
            let field = format!("pt_{}", c.code);
            let given = points
                .iter()
                .find(|(code, _)| *code == c.code)
                .map(|(_, v)| v.trim())
                .unwrap_or("");
            if given.is_empty() {
                errors.push(FieldError::new(&field, "err_required"));
                continue;
            }
            match given.parse::<u32>() {
                Ok(p) if p <= c.max_points => scores.push((c.code.clone(), p)),
                _ => errors.push(FieldError::new(&field, "err_points")),
            }
        }
        let percent = |input: &str, field: &str, errors: &mut Vec<FieldError>| {
            let t = input.trim().trim_end_matches('%').trim();
            if t.is_empty() {
                return 0;
            }
            match t.parse::<u32>() {
                Ok(p) if p <= 100 => p,
                _ => {
                    errors.push(FieldError::new(field, "err_percent"));
                    0
                }
            }
        };
        let exceeded = percent(exceeded_percent, "exceeded_percent", &mut errors);
        let late = percent(late_percent, "late_percent", &mut errors);
        let text = super::register::bounded(text, "text", TEXT_MAX, false)
            .map_err(|e| errors.push(e))
            .ok()
            .flatten();
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(SelfAssessment {
            scores,
            tasks: TaskOutcome {
                all_done,
                exceeded_percent: exceeded,
                late_percent: late,
            },
            text,
        })
    }

    pub fn total(&self) -> u32 {
        self.scores.iter().map(|(_, p)| p).sum()
    }
}

/// Whether one more excellent grade keeps an organisation within its quota: at most
/// `max_percent` of the members graded in the period (`None`: no quota).
pub fn quota_allows(excellent_already: u32, graded: u32, max_percent: Option<u32>) -> bool {
    match max_percent {
        None => true,
        // (excellent + 1) / graded <= max / 100, in integers.
        Some(max) => (excellent_already + 1) * 100 <= max * graded.max(1),
    }
}

/// A period's code: `2026-Q4` for a quarter, `2026` for a year, `2026-NK` for the end of a
/// term, `2026-11-30` for an evaluation when needed (its date).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodCode(String);

impl PeriodCode {
    pub fn parse(kind: PeriodKind, input: &str) -> Result<PeriodCode, FieldError> {
        let t = input.trim();
        let year_ok =
            |y: &str| y.len() == 4 && y.parse::<i32>().is_ok_and(|y| (2000..=2100).contains(&y));
        let ok = match kind {
            PeriodKind::Year => year_ok(t),
            PeriodKind::Quarter => t
                .split_once("-Q")
                .is_some_and(|(y, q)| year_ok(y) && matches!(q, "1" | "2" | "3" | "4")),
            PeriodKind::Term => t.strip_suffix("-NK").is_some_and(year_ok),
            PeriodKind::Adhoc => super::register::Date::parse(t)
                .is_ok_and(|d| (2000..=2100).contains(&d.year) && d.iso() == t),
        };
        if ok {
            Ok(PeriodCode(t.to_string()))
        } else {
            Err(FieldError::new("period", "err_period"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame366() -> Framework {
        serde_json::from_str(include_str!("evaluation_366.json")).unwrap()
    }

    #[test]
    fn the_seeded_framework_is_valid_and_follows_the_regulation() {
        let f = frame366();
        assert_eq!(f.check(), Ok(()));
        for g in MemberGroup::ALL {
            let frame = f.frame(*g).unwrap();
            let part = |p: CriterionPart| -> u32 {
                frame
                    .criteria
                    .iter()
                    .filter(|c| c.part == p)
                    .map(|c| c.max_points)
                    .sum()
            };
            // 30 points of general criteria, 70 for the results of tasks.
            assert_eq!(part(CriterionPart::General), 30, "{g}");
            assert_eq!(part(CriterionPart::Tasks), 70, "{g}");
            let done = TaskOutcome {
                all_done: true,
                exceeded_percent: 30,
                late_percent: 0,
            };
            assert_eq!(frame.grade(100, done), Grade::Excellent);
            assert_eq!(frame.grade(90, done), Grade::Excellent);
            assert_eq!(frame.grade(89, done), Grade::Good);
            assert_eq!(frame.grade(70, done), Grade::Good);
            assert_eq!(frame.grade(69, done), Grade::Completed);
            assert_eq!(frame.grade(50, done), Grade::Completed);
            assert_eq!(frame.grade(49, done), Grade::NotCompleted);
            // 90 points but under 30% exceeded: not excellent.
            let few = TaskOutcome {
                exceeded_percent: 29,
                ..done
            };
            assert_eq!(frame.grade(95, few), Grade::Good);
            // A task left undone: not completed, whatever the points (Art. 11).
            let undone = TaskOutcome {
                all_done: false,
                ..done
            };
            assert_eq!(frame.grade(95, undone), Grade::NotCompleted);
        }
    }

    #[test]
    fn check_refuses_broken_data() {
        let mut f = frame366();
        f.groups[0].criteria[0].max_points += 1;
        assert!(matches!(
            f.check(),
            Err(FrameworkError::TotalNot100(_, 101))
        ));
        let mut f = frame366();
        f.groups.pop();
        assert!(matches!(f.check(), Err(FrameworkError::MissingGroup(_))));
        let mut f = frame366();
        let dup = f.groups[0].clone();
        f.groups.push(dup);
        assert!(matches!(f.check(), Err(FrameworkError::DuplicateGroup(_))));
        let mut f = frame366();
        let c = f.groups[1].criteria[0].code.clone();
        f.groups[1].criteria[1].code = c;
        assert!(matches!(
            f.check(),
            Err(FrameworkError::DuplicateCriterion(_))
        ));
        let mut f = frame366();
        f.groups[2].grades.reverse();
        assert!(matches!(f.check(), Err(FrameworkError::GradeOrder(_))));
        let mut f = frame366();
        f.groups[2].grades.last_mut().unwrap().all_tasks_done = true;
        assert!(matches!(f.check(), Err(FrameworkError::GradeOrder(_))));
    }

    #[test]
    fn self_assessment_parses_or_names_every_field() {
        let f = frame366();
        let frame = f.frame(MemberGroup::OutsideSystem).unwrap();
        let full: Vec<(String, String)> = frame
            .criteria
            .iter()
            .map(|c| (c.code.clone(), format!(" {} ", c.max_points)))
            .collect();
        let ok = SelfAssessment::parse(frame, &full, true, "40%", "", "  Tốt ").unwrap();
        assert_eq!(ok.total(), 100);
        assert_eq!(ok.tasks.exceeded_percent, 40);
        assert_eq!(ok.tasks.late_percent, 0);
        assert_eq!(ok.text.as_deref(), Some("Tốt"));
        assert_eq!(frame.grade(ok.total(), ok.tasks), Grade::Excellent);

        let mut bad = full.clone();
        bad[0].1 = "999".into();
        bad[1].1 = "-1".into();
        bad.remove(2);
        let long = "x".repeat(TEXT_MAX + 1);
        let errors = SelfAssessment::parse(frame, &bad, false, "101", "abc", &long).unwrap_err();
        let got: Vec<(String, String)> = errors.into_iter().map(|e| (e.field, e.key)).collect();
        let c = &frame.criteria;
        assert_eq!(
            got,
            vec![
                (format!("pt_{}", c[0].code), "err_points".to_string()),
                (format!("pt_{}", c[1].code), "err_points".to_string()),
                (format!("pt_{}", c[2].code), "err_required".to_string()),
                ("exceeded_percent".to_string(), "err_percent".to_string()),
                ("late_percent".to_string(), "err_percent".to_string()),
                ("text".to_string(), "err_too_long".to_string()),
            ]
        );
    }

    #[test]
    fn quota_counts_the_grade_being_given() {
        assert!(quota_allows(0, 10, None));
        // 20% of 10 members: two excellent, not three.
        assert!(quota_allows(0, 10, Some(20)));
        assert!(quota_allows(1, 10, Some(20)));
        assert!(!quota_allows(2, 10, Some(20)));
        assert!(!quota_allows(0, 10, Some(0)));
        assert!(!quota_allows(0, 0, Some(20)));
        assert!(quota_allows(0, 5, Some(20)));
    }

    #[test]
    fn period_codes() {
        assert!(PeriodCode::parse(PeriodKind::Quarter, "2026-Q4").is_ok());
        assert!(PeriodCode::parse(PeriodKind::Quarter, "2026-Q5").is_err());
        assert!(PeriodCode::parse(PeriodKind::Quarter, "2026").is_err());
        assert_eq!(
            PeriodCode::parse(PeriodKind::Year, " 2026 ")
                .unwrap()
                .as_str(),
            "2026"
        );
        assert!(PeriodCode::parse(PeriodKind::Year, "26").is_err());
        assert!(PeriodCode::parse(PeriodKind::Term, "2030-NK").is_ok());
        assert!(PeriodCode::parse(PeriodKind::Adhoc, "2026-11-30").is_ok());
        assert!(PeriodCode::parse(PeriodKind::Adhoc, "2026-02-30").is_err());
        let e = PeriodCode::parse(PeriodKind::Year, "x").unwrap_err();
        assert_eq!((e.field.as_str(), e.key.as_str()), ("period", "err_period"));
    }

    #[test]
    fn codes_read_back() {
        for g in Grade::ALL {
            assert_eq!(Grade::from_code(g.code()), Some(*g));
        }
        for s in EvaluationStatus::ALL {
            assert_eq!(EvaluationStatus::from_code(s.code()), Some(*s));
        }
    }
}
