//! Error messages by key. Errors travel as i18n keys (`AppError`, `FieldError`); this turns a
//! key into the member's language. A unit test checks that every `err_*` key in the locale
//! files is mapped here.

use crate::i18n::*;

pub fn error_text(locale: Locale, key: &str) -> &'static str {
    match key {
        "err_account_disabled" => td_string!(locale, err_account_disabled),
        "err_account_pending" => td_string!(locale, err_account_pending),
        "err_account_rejected" => td_string!(locale, err_account_rejected),
        "err_cccd_empty" => td_string!(locale, err_cccd_empty),
        "err_cccd_province" => td_string!(locale, err_cccd_province),
        "err_cccd_shape" => td_string!(locale, err_cccd_shape),
        "err_classified_confirm" => td_string!(locale, err_classified_confirm),
        "err_code_invalid" => td_string!(locale, err_code_invalid),
        "err_code_shape" => td_string!(locale, err_code_shape),
        "err_contact_change_empty" => td_string!(locale, err_contact_change_empty),
        "err_date" => td_string!(locale, err_date),
        "err_date_format" => td_string!(locale, err_date_format),
        "err_date_range" => td_string!(locale, err_date_range),
        "err_date_future" => td_string!(locale, err_date_future),
        "err_doc_number" => td_string!(locale, err_doc_number),
        "err_document_not_for_cell" => td_string!(locale, err_document_not_for_cell),
        "err_due_before_meeting" => td_string!(locale, err_due_before_meeting),
        "err_duplicate" => td_string!(locale, err_duplicate),
        "err_exempt_before_joined" => td_string!(locale, err_exempt_before_joined),
        "err_exempt_date_missing" => td_string!(locale, err_exempt_date_missing),
        "err_exempt_reason_missing" => td_string!(locale, err_exempt_reason_missing),
        "err_forbidden" => td_string!(locale, err_forbidden),
        "err_identifier_empty" => td_string!(locale, err_identifier_empty),
        "err_identifier_invalid" => td_string!(locale, err_identifier_invalid),
        "err_init_not_empty" => td_string!(locale, err_init_not_empty),
        "err_init_no_root_admin" => td_string!(locale, err_init_no_root_admin),
        "err_org_import_kind" => td_string!(locale, err_org_import_kind),
        "err_org_import_root" => td_string!(locale, err_org_import_root),
        "err_org_import_parent_required" => td_string!(locale, err_org_import_parent_required),
        "err_org_import_parent_unknown" => td_string!(locale, err_org_import_parent_unknown),
        "err_org_import_parent_refused" => td_string!(locale, err_org_import_parent_refused),
        "err_org_import_parent_outside" => td_string!(locale, err_org_import_parent_outside),
        "err_org_import_kind_parent" => td_string!(locale, err_org_import_kind_parent),
        "err_org_import_kind_children" => td_string!(locale, err_org_import_kind_children),
        "err_org_import_kind_members" => td_string!(locale, err_org_import_kind_members),
        "err_org_import_cycle" => td_string!(locale, err_org_import_cycle),
        "err_org_import_duplicate_code" => td_string!(locale, err_org_import_duplicate_code),
        "err_import_yes_no" => td_string!(locale, err_import_yes_no),
        "err_internal" => td_string!(locale, err_internal),
        "err_invalid" => td_string!(locale, err_invalid),
        "err_invalid_value" => td_string!(locale, err_invalid_value),
        "err_joined_too_young" => td_string!(locale, err_joined_too_young),
        "err_meeting_already_held" => td_string!(locale, err_meeting_already_held),
        "err_meeting_link" => td_string!(locale, err_meeting_link),
        "err_meeting_other_month" => td_string!(locale, err_meeting_other_month),
        "err_meeting_state" => td_string!(locale, err_meeting_state),
        "err_member_no_account" => td_string!(locale, err_member_no_account),
        "err_member_unknown" => td_string!(locale, err_member_unknown),
        "err_motion_closed" => td_string!(locale, err_motion_closed),
        "err_network" => td_string!(locale, err_network),
        "err_not_found" => td_string!(locale, err_not_found),
        "err_not_in_cell" => td_string!(locale, err_not_in_cell),
        "err_official_before_joined" => td_string!(locale, err_official_before_joined),
        "err_official_missing" => td_string!(locale, err_official_missing),
        "err_org_code" => td_string!(locale, err_org_code),
        "err_org_code_unknown" => td_string!(locale, err_org_code_unknown),
        "err_org_kind" => td_string!(locale, err_org_kind),
        "err_org_merge_kind" => td_string!(locale, err_org_merge_kind),
        "err_org_move_into_self" => td_string!(locale, err_org_move_into_self),
        "err_org_not_empty" => td_string!(locale, err_org_not_empty),
        "err_org_outside_scope" => td_string!(locale, err_org_outside_scope),
        "err_org_path" => td_string!(locale, err_org_path),
        "err_passkey_cancelled" => td_string!(locale, err_passkey_cancelled),
        "err_passkey_expired" => td_string!(locale, err_passkey_expired),
        "err_passkey_failed" => td_string!(locale, err_passkey_failed),
        "err_passkey_none" => td_string!(locale, err_passkey_none),
        "err_password_empty" => td_string!(locale, err_password_empty),
        "err_password_long" => td_string!(locale, err_password_long),
        "err_password_mismatch" => td_string!(locale, err_password_mismatch),
        "err_password_short" => td_string!(locale, err_password_short),
        "err_phone_chars" => td_string!(locale, err_phone_chars),
        "err_phone_empty" => td_string!(locale, err_phone_empty),
        "err_phone_length" => td_string!(locale, err_phone_length),
        "err_phone_prefix" => td_string!(locale, err_phone_prefix),
        "err_progress" => td_string!(locale, err_progress),
        "err_push_denied" => td_string!(locale, err_push_denied),
        "err_push_failed" => td_string!(locale, err_push_failed),
        "err_push_subscription" => td_string!(locale, err_push_subscription),
        "err_questions_full" => td_string!(locale, err_questions_full),
        "err_reason_required" => td_string!(locale, err_reason_required),
        "err_reference_missing" => td_string!(locale, err_reference_missing),
        "err_required" => td_string!(locale, err_required),
        "err_rule_day" => td_string!(locale, err_rule_day),
        "err_sign_in_failed" => td_string!(locale, err_sign_in_failed),
        "err_sign_in_locked" => td_string!(locale, err_sign_in_locked),
        "err_sign_in_required" => td_string!(locale, err_sign_in_required),
        "err_status_conflict" => td_string!(locale, err_status_conflict),
        "err_text_required" => td_string!(locale, err_text_required),
        "err_time" => td_string!(locale, err_time),
        "err_time_format" => td_string!(locale, err_time_format),
        "err_title_required" => td_string!(locale, err_title_required),
        "err_too_long" => td_string!(locale, err_too_long),
        "err_upload_image_too_large" => td_string!(locale, err_upload_image_too_large),
        "err_upload_missing" => td_string!(locale, err_upload_missing),
        "err_upload_pdf_too_large" => td_string!(locale, err_upload_pdf_too_large),
        "err_upload_type" => td_string!(locale, err_upload_type),
        "err_vote_other_text" => td_string!(locale, err_vote_other_text),
        "err_cccd_mismatch" => td_string!(locale, err_cccd_mismatch),
        "err_import_too_large" => td_string!(locale, err_import_too_large),
        "err_import_empty" => td_string!(locale, err_import_empty),
        "err_import_no_rows" => td_string!(locale, err_import_no_rows),
        "err_import_old_xls" => td_string!(locale, err_import_old_xls),
        "err_import_not_xlsx" => td_string!(locale, err_import_not_xlsx),
        "err_import_encoding" => td_string!(locale, err_import_encoding),
        "err_import_csv_malformed" => td_string!(locale, err_import_csv_malformed),
        "err_import_csv_columns" => td_string!(locale, err_import_csv_columns),
        "err_import_too_many_columns" => td_string!(locale, err_import_too_many_columns),
        "err_import_too_many_rows" => td_string!(locale, err_import_too_many_rows),
        "err_import_zip_bomb" => td_string!(locale, err_import_zip_bomb),
        "err_import_field_unmapped" => td_string!(locale, err_import_field_unmapped),
        "err_import_field_twice" => td_string!(locale, err_import_field_twice),
        "err_import_formula" => td_string!(locale, err_import_formula),
        "err_import_cell_too_long" => td_string!(locale, err_import_cell_too_long),
        "err_import_gender" => td_string!(locale, err_import_gender),
        "err_import_status" => td_string!(locale, err_import_status),
        "err_import_position" => td_string!(locale, err_import_position),
        "err_import_duplicate_code" => td_string!(locale, err_import_duplicate_code),
        "err_import_duplicate_value" => td_string!(locale, err_import_duplicate_value),
        "err_import_taken" => td_string!(locale, err_import_taken),
        "err_import_org_unknown" => td_string!(locale, err_import_org_unknown),
        "err_import_org_outside" => td_string!(locale, err_import_org_outside),
        "err_import_org_dissolved" => td_string!(locale, err_import_org_dissolved),
        "err_import_org_not_cell" => td_string!(locale, err_import_org_not_cell),
        "err_import_member_outside" => td_string!(locale, err_import_member_outside),
        "err_import_conflict" => td_string!(locale, err_import_conflict),
        "err_import_stale" => td_string!(locale, err_import_stale),
        "err_import_stage" => td_string!(locale, err_import_stage),
        "err_import_interrupted" => td_string!(locale, err_import_interrupted),
        "err_not_in_committee" => td_string!(locale, err_not_in_committee),
        "err_proxy_own_answer" => td_string!(locale, err_proxy_own_answer),
        "err_password_wrong" => td_string!(locale, err_password_wrong),
        "err_account_blocked" => td_string!(locale, err_account_blocked),
        "err_join_account_active" => td_string!(locale, err_join_account_active),
        "err_join_too_many" => td_string!(locale, err_join_too_many),
        "err_cross_site" => td_string!(locale, err_cross_site),
        "err_reauth_required" => td_string!(locale, err_reauth_required),
        "err_too_many_devices" => td_string!(locale, err_too_many_devices),
        _ => td_string!(locale, err_internal),
    }
}

/// The message for one field of an error, if the error names that field.
pub fn field_message(
    locale: Locale,
    error: &crate::platform::error::AppError,
    field: &str,
) -> Option<&'static str> {
    match error {
        crate::platform::error::AppError::Invalid(fields) => fields
            .iter()
            .find(|f| f.field == field)
            .map(|f| error_text(locale, &f.key)),
        _ => None,
    }
}

/// The message for the whole form: a `form` field error or any non-field error.
pub fn form_message(
    locale: Locale,
    error: &crate::platform::error::AppError,
) -> Option<&'static str> {
    match error {
        crate::platform::error::AppError::Invalid(fields) => fields
            .iter()
            .find(|f| f.field == "form")
            .map(|f| error_text(locale, &f.key)),
        other => Some(error_text(locale, other.key())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_key_has_a_message() {
        for file in [
            include_str!("../../locales/vi.json"),
            include_str!("../../locales/en.json"),
        ] {
            for line in file.lines() {
                let Some(key) = line
                    .trim()
                    .strip_prefix('"')
                    .and_then(|l| l.split('"').next())
                else {
                    continue;
                };
                if key.starts_with("err_") && key != "err_internal" {
                    assert_ne!(
                        error_text(Locale::vi, key),
                        error_text(Locale::vi, "err_internal"),
                        "{key} is not mapped"
                    );
                }
            }
        }
        assert_eq!(
            error_text(Locale::vi, "err_sign_in_failed"),
            "Số điện thoại (mã đảng viên) hoặc mật khẩu chưa đúng."
        );
        assert_eq!(
            error_text(Locale::en, "no_such_key"),
            "Something went wrong. Please try again in a few minutes."
        );
    }
}
