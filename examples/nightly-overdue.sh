#!/usr/bin/env bash
# The nightly overdue run, for cron: no terminal, no prompts.
#
# For the day it runs (or OVERDUE_AS_OF) it writes
#   $OVERDUE_DIR/overdue-YYYY-MM-DD.csv  every item overdue or due soon, for a spreadsheet
#   $OVERDUE_DIR/overdue-YYYY-MM-DD.txt  a plain-text summary, fit for the body of an email
# and adds a line to
#   $OVERDUE_DIR/chain-heads.txt         when it ran (UTC) and the chain head it saw: anchors for
#                                        `complaintctl verify --anchor HEX`; keep a copy elsewhere
# and exits 3 when something is overdue, 0 when nothing is, 1 on any error (message on stderr,
# no file half-written).
#
# Settings, from the environment:
#   COMPLAINTCTL_DB      the database, as for complaintctl itself (a file or a postgresql+psycopg:// URL)
#   COMPLAINTCTL_CONFIG  the organisation's policy file, if it has one
#   COMPLAINTCTL         how to run complaintctl (default: complaintctl on PATH), e.g.
#                        /opt/complaintctl/.venv/bin/complaintctl
#   OVERDUE_DIR          where the files go (default: ./overdue)
#   OVERDUE_WITHIN       also list items due within this many working days (default: 5)
#   OVERDUE_AS_OF        the date to measure against (default: today in Europe/London)
#   OVERDUE_PRINT        overdue (default): print the summary on stdout only when something is
#                        overdue, so that cron mails it exactly then; always; never
set -euo pipefail

fail() {
    echo "nightly-overdue: $*" >&2
    exit 1
}
trap 'fail "stopped at line $LINENO; nothing more was written"' ERR

read -r -a ctl <<< "${COMPLAINTCTL:-complaintctl}"
out_dir=${OVERDUE_DIR:-overdue}
within=${OVERDUE_WITHIN:-5}
print=${OVERDUE_PRINT:-overdue}

[[ ${#ctl[@]} -gt 0 ]] || fail "COMPLAINTCTL is empty; set it to the complaintctl command"
command -v "${ctl[0]}" > /dev/null || fail "cannot find '${ctl[0]}'; set COMPLAINTCTL to the complaintctl command"
[[ $within =~ ^[0-9]+$ ]] || fail "OVERDUE_WITHIN must be a whole number of working days, not '$within'"
case $print in overdue | always | never) ;; *) fail "OVERDUE_PRINT must be overdue, always or never, not '$print'" ;; esac

# The tool's own reading of the date (today in London, or the date as typed) names the files.
as_of=$("${ctl[@]}" workdays add "${OVERDUE_AS_OF:-today}" 0 < /dev/null) ||
    fail "cannot read the date '${OVERDUE_AS_OF:-today}'; give OVERDUE_AS_OF like 2026-12-22"
as_of=${as_of%% *}

# The files name cases and officers: keep them to the account that runs the job.
umask 077
mkdir -p "$out_dir" || fail "cannot create $out_dir"
csv="$out_dir/overdue-$as_of.csv"
summary="$out_dir/overdue-$as_of.txt"
partial_csv=$(mktemp "$out_dir/.overdue-csv.XXXXXX")
partial_summary=$(mktemp "$out_dir/.overdue-txt.XXXXXX")
trap 'rm -f "$partial_csv" "$partial_summary"' EXIT

found=0
"${ctl[@]}" overdue --as-of "$as_of" --within "$within" --check --csv > "$partial_csv" < /dev/null || found=$?
case $found in
    0 | 3) ;;
    *) fail "complaintctl overdue failed (exit $found); see its message above" ;;
esac

"${ctl[@]}" overdue --as-of "$as_of" --within "$within" > "$partial_summary" < /dev/null ||
    fail "complaintctl overdue failed while writing the summary"
printf '\nEvery item, with the promised actions in full:\n  %s\n' "$csv" >> "$partial_summary"

# The head of the hash chain as it is now: `complaintctl verify --anchor HEAD` later proves that
# nothing recorded up to now has changed since, even by someone who holds the chain key.
head=$("${ctl[@]}" verify --head < /dev/null) || fail "complaintctl verify --head failed; see its message above"
seen=$(date -u +%Y-%m-%dT%H:%M:%SZ)

mv -f "$partial_csv" "$csv"
mv -f "$partial_summary" "$summary"
if [[ -n $head ]]; then
    printf '%s %s\n' "$seen" "$head" >> "$out_dir/chain-heads.txt"
fi

if [[ $print == always || ($print == overdue && $found -eq 3) ]]; then
    cat "$summary"
fi
exit "$found"
