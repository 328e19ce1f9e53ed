//! Who may do what, where. One pure function answers every question; server functions ask it
//! before touching data, and list queries apply the same scopes in SQL.
//!
//! A person's rights come from grants, each scoped to the subtree of one organisation:
//! admin / assistant / editor grants held in `role_grants`, and the chi bộ positions of the
//! register (bí thư, phó bí thư, chi ủy viên), scoped to the member's own cell.

use super::org::OrgPath;
use serde::{Deserialize, Serialize};

super::code::coded_enum!(
    /// A role held over a subtree: granted ones, and the cell positions of the register.
    Role {
        /// Quản trị: manages its subtree.
        Admin = "admin",
        /// Trợ lý: helps the admin with accounts and members, cannot grant roles.
        Assistant = "assistant",
        /// Ban biên tập: publishes documents and news.
        Editor = "editor",
        /// Bí thư chi bộ.
        Secretary = "bi_thu",
        /// Phó bí thư chi bộ.
        DeputySecretary = "pho_bi_thu",
        /// Chi ủy viên.
        CellCommittee = "chi_uy_vien",
    }
);

impl Role {
    /// Roles that live in `role_grants` (the others come from the register's positions).
    pub fn is_grantable(self) -> bool {
        matches!(self, Role::Admin | Role::Assistant | Role::Editor)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    pub role: Role,
    pub scope: OrgPath,
}

/// The person asking: their own member record's organisation and their grants.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub account_id: i64,
    pub member_id: i64,
    pub org: OrgPath,
    pub grants: Vec<Grant>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Read one member's register record (beyond one's own).
    ViewMember,
    /// See and decide join requests; approve or reject.
    DecideJoinRequest,
    /// Create an account directly and hand out an activation or reset code.
    IssueActivationCode,
    /// Confirm a member's change of phone or address.
    DecideContactChange,
    /// Grant or revoke a role (the granted role is in the action).
    ManageRole(Role),
    /// Disable a person's account (ending its sessions), or enable it again.
    DisableAccount,
    /// Read the audit log.
    ViewAudit,
    /// Publish, edit and withdraw documents and news.
    Publish,
    /// See who in scope has opened and studied a document, and remind those who have not.
    FollowReading,
    /// Prepare, publish and run a cell's meetings: agenda, attendance, votes, minutes, tasks,
    /// and record for members who have no phone.
    RunMeeting,
    /// See the meetings, ratings and attendance rates of the cells in scope.
    FollowMeetings,
    /// See usage statistics and the monthly report of the organisations in scope.
    ViewStatistics,
    /// Create, rename, move, merge and dissolve organisations in scope.
    ManageTree,
    /// Import the member register from a file into the subtree.
    ImportRegister,
    /// See who in scope cannot sign in and why, and the register's exemption counts.
    Reconcile,
    /// Open a cell's evaluation period, record self-assessments for members without a phone,
    /// propose grades and remind those who have not self-assessed.
    RunEvaluation,
    /// Decide members' grades: only from above the cell (`may_decide_grade`).
    DecideGrade,
    /// See the evaluation progress and reports of the organisations in scope.
    FollowEvaluation,
}

fn allows(role: Role, action: Action) -> bool {
    use Action::*;
    use Role::*;
    match action {
        ViewMember => true,
        DecideJoinRequest | IssueActivationCode | DecideContactChange => {
            matches!(role, Admin | Assistant | Secretary | DeputySecretary)
        }
        ManageRole(granted) => role == Admin && granted.is_grantable(),
        ViewAudit | DisableAccount => role == Admin,
        Publish => matches!(role, Admin | Editor),
        FollowReading => matches!(
            role,
            Admin | Assistant | Secretary | DeputySecretary | CellCommittee
        ),
        RunMeeting => matches!(role, Admin | Secretary | DeputySecretary | CellCommittee),
        FollowMeetings => matches!(
            role,
            Admin | Assistant | Secretary | DeputySecretary | CellCommittee
        ),
        ViewStatistics => matches!(
            role,
            Admin | Assistant | Secretary | DeputySecretary | CellCommittee
        ),
        ManageTree | ImportRegister => role == Admin,
        Reconcile => matches!(role, Admin | Assistant | Secretary | DeputySecretary),
        RunEvaluation => matches!(role, Admin | Secretary | DeputySecretary | CellCommittee),
        DecideGrade => matches!(role, Admin | Secretary | DeputySecretary),
        FollowEvaluation => matches!(
            role,
            Admin | Assistant | Secretary | DeputySecretary | CellCommittee
        ),
    }
}

/// May `actor` do `action` to something that belongs to the organisation at `target`?
pub fn may(actor: &Actor, action: Action, target: &OrgPath) -> bool {
    actor
        .grants
        .iter()
        .any(|g| g.scope.contains(target) && allows(g.role, action))
}

/// May `actor` read a document addressed to the subtree at `audience`? Members inside the
/// audience may; so may admins, assistants and editors whose scope covers it.
pub fn may_read_document(actor: &Actor, audience: &OrgPath) -> bool {
    audience.contains(&actor.org)
        || actor.grants.iter().any(|g| {
            g.scope.contains(audience)
                && matches!(g.role, Role::Admin | Role::Assistant | Role::Editor)
        })
}

/// May `actor` see a meeting of the cell at `cell`? Its members may (committee meetings only
/// those who lead the cell); so may those who run or follow meetings over it.
pub fn may_see_meeting(actor: &Actor, cell: &OrgPath, committee_only: bool) -> bool {
    let member = &actor.org == cell;
    (member && (!committee_only || may(actor, Action::RunMeeting, cell)))
        || may(actor, Action::RunMeeting, cell)
        || may(actor, Action::FollowMeetings, cell)
}

/// May `actor` take part (answer, comment, vote, report on tasks) in a meeting of `cell`?
/// Only its own members: leaders above see the meeting but do not vote in it.
pub fn may_take_part(actor: &Actor, cell: &OrgPath, committee_only: bool) -> bool {
    &actor.org == cell && (!committee_only || may(actor, Action::RunMeeting, cell))
}

/// The subtrees in which `actor` may do `action`, for list queries to filter by in SQL.
/// Nested scopes are dropped: a scope inside another adds nothing.
pub fn scopes(actor: &Actor, action: Action) -> Vec<OrgPath> {
    let mut paths: Vec<OrgPath> = actor
        .grants
        .iter()
        .filter(|g| allows(g.role, action))
        .map(|g| g.scope.clone())
        .collect();
    paths.sort_by(|a, b| a.as_str().cmp(b.as_str()));
    let mut out: Vec<OrgPath> = Vec::new();
    for p in paths {
        if !out.iter().any(|o| o.contains(&p)) {
            out.push(p);
        }
    }
    out
}

/// May the actor rename, move, merge or dissolve `target`? Only strictly inside their scope:
/// an admin of a ward manages what is under it, not the ward itself.
pub fn may_change_org(actor: &Actor, target: &OrgPath) -> bool {
    scopes(actor, Action::ManageTree)
        .iter()
        .any(|s| s.contains(target) && s != target)
}

/// The person an action is taken on: where their member record sits and what they hold (their
/// admin, assistant and editor grants, and their cell position scoped to their own cell).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subject {
    pub member_id: i64,
    pub org: OrgPath,
    pub grants: Vec<Grant>,
}

/// May `actor` do `action` *to a person* — issue an activation or reset code, confirm their
/// contact change, change their roles, disable their account, record for them? Authority runs up
/// the tree only: the actor needs a grant allowing the action over the person's organisation whose
/// scope lies strictly above every scope the person holds. So a cell's leaders act on the plain
/// members of their cell, a ward's admins on the cell leaders under it, the province's admins on
/// the ward's admins; nobody on a peer, a superior, someone holding a grant in another branch, or
/// themself (docs/SECURITY.md, "The authority rule").
///
/// Changing roles differs in one point: an admin may revoke (or add to) the assistant and editor
/// grants of their own scope — those are the admin's to hand out, and revoking one gives the admin
/// no one's identity — but never an admin grant of the same or a higher scope.
pub fn may_act_on(actor: &Actor, action: Action, subject: &Subject) -> bool {
    if subject.member_id == actor.member_id {
        return false;
    }
    actor.grants.iter().any(|g| {
        allows(g.role, action)
            && g.scope.contains(&subject.org)
            && subject.grants.iter().all(|held| {
                let strictly_below = g.scope.contains(&held.scope) && g.scope != held.scope;
                let own_scope_helper = matches!(action, Action::ManageRole(_))
                    && held.scope == g.scope
                    && matches!(held.role, Role::Assistant | Role::Editor);
                strictly_below || own_scope_helper
            })
    })
}

/// May `actor` record for `subject` (an answer, opinion, vote or task report made for a member
/// without a phone)? The authority rule with only grants shielding: a cell position does not, so
/// the secretary records for a committee member without a phone; a proxy record never replaces
/// the person's own answer (the meetings repository's upserts keep it).
pub fn may_record_for(actor: &Actor, subject: &Subject) -> bool {
    let shielding = Subject {
        grants: subject
            .grants
            .iter()
            .filter(|g| g.role.is_grantable())
            .cloned()
            .collect(),
        ..subject.clone()
    };
    may_act_on(actor, Action::RunMeeting, &shielding)
}

/// May `actor` decide the grade of `member` of the cell at `cell`? The committee above
/// decides (Quy định 366-QĐ/TW): a grant strictly above the cell, never one's own grade.
pub fn may_decide_grade(actor: &Actor, cell: &OrgPath, member: i64) -> bool {
    actor.member_id != member
        && actor.grants.iter().any(|g| {
            g.scope.contains(cell) && g.scope != *cell && allows(g.role, Action::DecideGrade)
        })
}

/// Whether the actor leads anything (sees the leadership parts of the app).
pub fn is_leader(actor: &Actor) -> bool {
    actor
        .grants
        .iter()
        .any(|g| allows(g.role, Action::DecideJoinRequest))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(s: &str) -> OrgPath {
        OrgPath::parse(s).unwrap()
    }

    fn actor(org: &str, grants: &[(Role, &str)]) -> Actor {
        Actor {
            account_id: 1,
            member_id: 1,
            org: path(org),
            grants: grants
                .iter()
                .map(|(r, p)| Grant {
                    role: *r,
                    scope: path(p),
                })
                .collect(),
        }
    }

    const PROVINCE: &str = "/1/";
    const WARD: &str = "/1/2/";
    const CELL: &str = "/1/2/3/";
    const OTHER_WARD: &str = "/1/20/";
    const OTHER_CELL: &str = "/1/20/30/";

    #[test]
    fn grades_are_decided_from_above_the_cell_and_never_by_oneself() {
        let ward_admin = actor(WARD, &[(Role::Admin, WARD)]);
        let ward_secretary = actor(WARD, &[(Role::Secretary, WARD)]);
        let cell_secretary = actor(CELL, &[(Role::Secretary, CELL)]);
        let assistant = actor(WARD, &[(Role::Assistant, WARD)]);
        assert!(may_decide_grade(&ward_admin, &path(CELL), 7));
        assert!(may_decide_grade(&ward_secretary, &path(CELL), 7));
        // The cell's own leadership proposes; it does not decide.
        assert!(!may_decide_grade(&cell_secretary, &path(CELL), 7));
        assert!(may(&cell_secretary, Action::RunEvaluation, &path(CELL)));
        assert!(!may(
            &cell_secretary,
            Action::RunEvaluation,
            &path(OTHER_CELL)
        ));
        // Outside the subtree, or a role that does not decide.
        assert!(!may_decide_grade(&ward_admin, &path(OTHER_CELL), 7));
        assert!(!may_decide_grade(&assistant, &path(CELL), 7));
        assert!(may(&assistant, Action::FollowEvaluation, &path(CELL)));
        // Not one's own grade, even from above.
        let own = Actor {
            member_id: 7,
            ..ward_admin.clone()
        };
        assert!(!may_decide_grade(&own, &path(CELL), 7));
        let member = actor(CELL, &[]);
        assert!(!may(&member, Action::RunEvaluation, &path(CELL)));
        assert!(!may(&member, Action::FollowEvaluation, &path(CELL)));
    }

    #[test]
    fn a_plain_member_may_nothing_over_others() {
        let member = actor(CELL, &[]);
        for action in [
            Action::ViewMember,
            Action::DecideJoinRequest,
            Action::IssueActivationCode,
            Action::ManageRole(Role::Admin),
            Action::Publish,
        ] {
            assert!(!may(&member, action, &path(CELL)));
        }
        assert!(scopes(&member, Action::DecideJoinRequest).is_empty());
        assert!(!is_leader(&member));
    }

    #[test]
    fn a_secretary_leads_only_their_cell() {
        let secretary = actor(CELL, &[(Role::Secretary, CELL)]);
        assert!(may(&secretary, Action::DecideJoinRequest, &path(CELL)));
        assert!(may(&secretary, Action::IssueActivationCode, &path(CELL)));
        assert!(!may(
            &secretary,
            Action::DecideJoinRequest,
            &path(OTHER_CELL)
        ));
        assert!(!may(&secretary, Action::DecideJoinRequest, &path(WARD)));
        assert!(!may(
            &secretary,
            Action::ManageRole(Role::Editor),
            &path(CELL)
        ));
        assert!(is_leader(&secretary));
        let committee = actor(CELL, &[(Role::CellCommittee, CELL)]);
        assert!(may(&committee, Action::ViewMember, &path(CELL)));
        assert!(may(&committee, Action::FollowReading, &path(CELL)));
        assert!(!may(&committee, Action::FollowReading, &path(OTHER_CELL)));
        assert!(!may(&committee, Action::DecideJoinRequest, &path(CELL)));
    }

    #[test]
    fn an_admin_manages_its_subtree_and_nothing_beside_it() {
        let admin = actor(CELL, &[(Role::Admin, WARD)]);
        assert!(may(&admin, Action::DecideJoinRequest, &path(CELL)));
        assert!(may(
            &admin,
            Action::ManageRole(Role::Assistant),
            &path(CELL)
        ));
        assert!(may(&admin, Action::ManageRole(Role::Admin), &path(WARD)));
        assert!(!may(
            &admin,
            Action::ManageRole(Role::Secretary),
            &path(CELL)
        ));
        assert!(!may(&admin, Action::DecideJoinRequest, &path(OTHER_WARD)));
        assert!(!may(&admin, Action::DecideJoinRequest, &path(OTHER_CELL)));
        assert!(!may(&admin, Action::DecideJoinRequest, &path(PROVINCE)));
        assert!(may(&admin, Action::ViewAudit, &path(WARD)));
    }

    #[test]
    fn assistants_and_editors_have_narrower_rights() {
        let assistant = actor(CELL, &[(Role::Assistant, WARD)]);
        assert!(may(&assistant, Action::IssueActivationCode, &path(CELL)));
        assert!(!may(
            &assistant,
            Action::ManageRole(Role::Assistant),
            &path(CELL)
        ));
        assert!(!may(&assistant, Action::ViewAudit, &path(WARD)));
        let editor = actor(CELL, &[(Role::Editor, PROVINCE)]);
        assert!(may(&editor, Action::Publish, &path(OTHER_CELL)));
        assert!(!may(&editor, Action::DecideJoinRequest, &path(CELL)));
        assert!(!is_leader(&editor));
    }

    #[test]
    fn the_tree_is_changed_strictly_inside_the_scope() {
        let admin = actor(CELL, &[(Role::Admin, WARD)]);
        assert!(may_change_org(&admin, &path(CELL)));
        assert!(!may_change_org(&admin, &path(WARD)), "not the ward itself");
        assert!(!may_change_org(&admin, &path(OTHER_WARD)));
        assert!(
            may(&admin, Action::ManageTree, &path(WARD)),
            "but may add under it"
        );
        let assistant = actor(CELL, &[(Role::Assistant, WARD)]);
        assert!(!may_change_org(&assistant, &path(CELL)));
        assert!(!may(&assistant, Action::ManageTree, &path(WARD)));
    }

    #[test]
    fn only_admins_import_and_leaders_reconcile_their_own_subtree() {
        let admin = actor(CELL, &[(Role::Admin, WARD)]);
        assert!(may(&admin, Action::ImportRegister, &path(WARD)));
        assert!(may(&admin, Action::ImportRegister, &path(CELL)));
        assert!(!may(&admin, Action::ImportRegister, &path(OTHER_WARD)));
        assert!(!may(&admin, Action::Reconcile, &path(OTHER_CELL)));
        let assistant = actor(CELL, &[(Role::Assistant, WARD)]);
        assert!(!may(&assistant, Action::ImportRegister, &path(CELL)));
        assert!(may(&assistant, Action::Reconcile, &path(CELL)));
        let secretary = actor(CELL, &[(Role::Secretary, CELL)]);
        assert!(may(&secretary, Action::Reconcile, &path(CELL)));
        assert!(!may(&secretary, Action::Reconcile, &path(WARD)));
        assert!(!may(&actor(CELL, &[]), Action::Reconcile, &path(CELL)));
    }

    #[test]
    fn scopes_drop_nested_subtrees() {
        let both = actor(
            CELL,
            &[
                (Role::Secretary, CELL),
                (Role::Admin, WARD),
                (Role::Assistant, OTHER_WARD),
                (Role::Editor, PROVINCE),
            ],
        );
        let s = scopes(&both, Action::DecideJoinRequest);
        assert_eq!(s, vec![path(WARD), path(OTHER_WARD)]);
        assert_eq!(scopes(&both, Action::Publish), vec![path(PROVINCE)]);
    }

    #[test]
    fn documents_are_read_inside_their_audience() {
        let member = actor(CELL, &[]);
        assert!(may_read_document(&member, &path(PROVINCE)));
        assert!(may_read_document(&member, &path(WARD)));
        assert!(may_read_document(&member, &path(CELL)));
        assert!(!may_read_document(&member, &path(OTHER_WARD)));
        assert!(!may_read_document(&member, &path(OTHER_CELL)));
        let editor = actor(CELL, &[(Role::Editor, PROVINCE)]);
        assert!(may_read_document(&editor, &path(OTHER_CELL)));
        let secretary = actor(CELL, &[(Role::Secretary, CELL)]);
        assert!(!may_read_document(&secretary, &path(OTHER_CELL)));
    }

    #[test]
    fn meetings_belong_to_their_cell() {
        let member = actor(CELL, &[]);
        assert!(may_see_meeting(&member, &path(CELL), false));
        assert!(
            !may_see_meeting(&member, &path(CELL), true),
            "committee meetings are for the committee"
        );
        assert!(!may_see_meeting(&member, &path(OTHER_CELL), false));
        assert!(may_take_part(&member, &path(CELL), false));
        assert!(!may_take_part(&member, &path(OTHER_CELL), false));
        let secretary = actor(CELL, &[(Role::Secretary, CELL)]);
        assert!(may(&secretary, Action::RunMeeting, &path(CELL)));
        assert!(!may(&secretary, Action::RunMeeting, &path(OTHER_CELL)));
        assert!(may_see_meeting(&secretary, &path(CELL), true));
        assert!(may_take_part(&secretary, &path(CELL), true));
        let assistant = actor(CELL, &[(Role::Assistant, WARD)]);
        assert!(!may(&assistant, Action::RunMeeting, &path(OTHER_CELL)));
        assert!(may(&assistant, Action::FollowMeetings, &path(CELL)));
        let admin = actor(OTHER_CELL, &[(Role::Admin, WARD)]);
        assert!(may_see_meeting(&admin, &path(CELL), false));
        assert!(
            !may_take_part(&admin, &path(CELL), false),
            "leaders above do not vote in a cell"
        );
        let editor = actor(OTHER_CELL, &[(Role::Editor, PROVINCE)]);
        assert!(!may_see_meeting(&editor, &path(CELL), false));
    }

    fn subject(member_id: i64, org: &str, grants: &[(Role, &str)]) -> Subject {
        Subject {
            member_id,
            org: path(org),
            grants: grants
                .iter()
                .map(|(r, p)| Grant {
                    role: *r,
                    scope: path(p),
                })
                .collect(),
        }
    }

    /// The authority rule as a table: (actor's grants, person's grants, action, allowed?).
    #[test]
    #[allow(clippy::type_complexity)]
    fn authority_runs_up_the_tree_only() {
        use Action::*;
        let cases: &[(
            &str,
            &[(Role, &str)],
            &str,
            &[(Role, &str)],
            Action,
            bool,
            &str,
        )] = &[
            (
                CELL,
                &[(Role::Secretary, CELL)],
                CELL,
                &[],
                IssueActivationCode,
                true,
                "secretary resets a plain member of the cell",
            ),
            (
                CELL,
                &[(Role::Secretary, CELL)],
                CELL,
                &[(Role::Admin, WARD)],
                IssueActivationCode,
                false,
                "secretary cannot reset the ward admin sitting in the cell",
            ),
            (
                CELL,
                &[(Role::Secretary, CELL)],
                CELL,
                &[(Role::Editor, PROVINCE)],
                IssueActivationCode,
                false,
                "nor the province's editor",
            ),
            (
                CELL,
                &[(Role::Secretary, CELL)],
                CELL,
                &[(Role::Assistant, OTHER_WARD)],
                IssueActivationCode,
                false,
                "nor an assistant of another branch",
            ),
            (
                CELL,
                &[(Role::Secretary, CELL)],
                CELL,
                &[(Role::DeputySecretary, CELL)],
                IssueActivationCode,
                false,
                "nor a peer of the cell's committee",
            ),
            (
                CELL,
                &[(Role::DeputySecretary, CELL)],
                CELL,
                &[(Role::Secretary, CELL)],
                DecideContactChange,
                false,
                "nor their own secretary",
            ),
            (
                CELL,
                &[(Role::Secretary, CELL)],
                OTHER_CELL,
                &[],
                IssueActivationCode,
                false,
                "nor anyone of another cell",
            ),
            (
                CELL,
                &[(Role::Assistant, WARD)],
                CELL,
                &[(Role::Secretary, CELL)],
                IssueActivationCode,
                true,
                "the ward's assistant resets a cell secretary under it",
            ),
            (
                CELL,
                &[(Role::Assistant, WARD)],
                CELL,
                &[(Role::Admin, WARD)],
                IssueActivationCode,
                false,
                "but not the ward's admin",
            ),
            (
                CELL,
                &[(Role::Assistant, WARD)],
                CELL,
                &[(Role::Assistant, WARD)],
                DecideContactChange,
                false,
                "nor a fellow assistant",
            ),
            (
                CELL,
                &[(Role::Admin, WARD)],
                CELL,
                &[(Role::Admin, WARD)],
                IssueActivationCode,
                false,
                "an admin cannot reset a peer admin",
            ),
            (
                CELL,
                &[(Role::Admin, WARD)],
                CELL,
                &[(Role::Admin, PROVINCE)],
                IssueActivationCode,
                false,
                "nor one above",
            ),
            (
                WARD,
                &[(Role::Admin, PROVINCE)],
                CELL,
                &[(Role::Admin, WARD)],
                IssueActivationCode,
                true,
                "the province's admin resets a ward admin",
            ),
            (
                WARD,
                &[(Role::Admin, PROVINCE)],
                CELL,
                &[(Role::Admin, WARD)],
                ManageRole(Role::Admin),
                true,
                "and may revoke that grant",
            ),
            (
                CELL,
                &[(Role::Admin, WARD)],
                CELL,
                &[(Role::Admin, WARD)],
                ManageRole(Role::Admin),
                false,
                "an admin cannot revoke a peer admin",
            ),
            (
                CELL,
                &[(Role::Admin, WARD)],
                CELL,
                &[(Role::Editor, CELL)],
                ManageRole(Role::Editor),
                true,
                "an admin changes a grant strictly below",
            ),
            (
                CELL,
                &[(Role::Admin, WARD)],
                CELL,
                &[(Role::Editor, WARD)],
                ManageRole(Role::Editor),
                true,
                "and revokes the editor they made at their own scope",
            ),
            (
                CELL,
                &[(Role::Admin, WARD)],
                CELL,
                &[(Role::Assistant, WARD)],
                ManageRole(Role::Assistant),
                true,
                "or the assistant",
            ),
            (
                CELL,
                &[(Role::Admin, WARD)],
                CELL,
                &[(Role::Assistant, WARD)],
                IssueActivationCode,
                false,
                "but does not reset that assistant's password",
            ),
            (
                CELL,
                &[(Role::Admin, WARD)],
                CELL,
                &[(Role::Editor, PROVINCE)],
                ManageRole(Role::Editor),
                false,
                "nor touches a grant above their scope",
            ),
            (
                CELL,
                &[(Role::Admin, WARD)],
                OTHER_CELL,
                &[],
                ManageRole(Role::Editor),
                false,
                "only inside the granter's tree",
            ),
            (
                CELL,
                &[(Role::Assistant, WARD)],
                CELL,
                &[],
                ManageRole(Role::Editor),
                false,
                "assistants grant nothing",
            ),
            (
                CELL,
                &[(Role::Secretary, CELL)],
                CELL,
                &[],
                RunMeeting,
                true,
                "a secretary records for a plain member",
            ),
            (
                CELL,
                &[(Role::CellCommittee, CELL)],
                CELL,
                &[],
                IssueActivationCode,
                false,
                "a committee member issues no codes",
            ),
            (
                CELL,
                &[(Role::Admin, WARD)],
                CELL,
                &[(Role::Secretary, CELL)],
                DisableAccount,
                true,
                "a ward admin disables a cell secretary's account",
            ),
            (
                CELL,
                &[(Role::Secretary, CELL)],
                CELL,
                &[],
                DisableAccount,
                false,
                "a secretary disables no account",
            ),
            (
                WARD,
                &[(Role::Admin, WARD)],
                CELL,
                &[(Role::Admin, WARD)],
                DisableAccount,
                false,
                "nor an admin a peer's",
            ),
            (
                CELL,
                &[(Role::Secretary, CELL), (Role::Admin, WARD)],
                CELL,
                &[(Role::DeputySecretary, CELL)],
                IssueActivationCode,
                true,
                "a secretary who is also the ward admin acts through the ward grant",
            ),
        ];
        for (actor_org, actor_grants, subject_org, subject_grants, action, expected, why) in cases {
            let a = actor(actor_org, actor_grants);
            let s = subject(2, subject_org, subject_grants);
            assert_eq!(may_act_on(&a, *action, &s), *expected, "{why}");
        }
    }

    #[test]
    fn records_for_a_member_are_shielded_by_grants_only() {
        let secretary = actor(CELL, &[(Role::Secretary, CELL)]);
        assert!(
            may_record_for(
                &secretary,
                &subject(2, CELL, &[(Role::CellCommittee, CELL)])
            ),
            "a committee member without a phone"
        );
        assert!(
            !may_record_for(&secretary, &subject(2, CELL, &[(Role::Admin, WARD)])),
            "not the ward admin"
        );
        assert!(
            !may_record_for(&secretary, &subject(2, OTHER_CELL, &[])),
            "not another cell"
        );
        assert!(
            !may_record_for(&secretary, &subject(secretary.member_id, CELL, &[])),
            "not themself"
        );
    }

    #[test]
    fn nobody_acts_on_themself_through_these_paths() {
        let admin = actor(CELL, &[(Role::Admin, PROVINCE)]);
        let me = Subject {
            member_id: admin.member_id,
            org: path(CELL),
            grants: vec![],
        };
        for action in [
            Action::IssueActivationCode,
            Action::DecideContactChange,
            Action::ManageRole(Role::Editor),
            Action::RunMeeting,
        ] {
            assert!(!may_act_on(&admin, action, &me));
        }
    }

    #[test]
    fn role_codes_round_trip() {
        for r in [
            Role::Admin,
            Role::Assistant,
            Role::Editor,
            Role::Secretary,
            Role::DeputySecretary,
            Role::CellCommittee,
        ] {
            assert_eq!(Role::from_code(r.code()), Some(r));
        }
        assert!(Role::Admin.is_grantable());
        assert!(!Role::Secretary.is_grantable());
    }
}
