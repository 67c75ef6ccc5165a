#!/bin/sh
# i21-model-rename.sh: the mechanical rewrite of issue 21, step 4. The
# vocabulary moved from package store to package model; store/aliases.go kept
# the old names compiling. Run from the repository root over the packages
# that still say store.X (conversations, handlers, and the flows/ packages made
# from them), then delete store/aliases.go:
#
#	sh scripts/i21-model-rename.sh conversations handlers flows
#	git rm store/aliases.go && go build ./... && go vet ./...
#
# It needs goimports (golang.org/x/tools/cmd/goimports) to add the model
# import and drop a store import no longer used. Running it twice changes
# nothing more.
set -eu
[ $# -gt 0 ] || { echo "usage: $0 dir..." >&2; exit 2; }
files=$(grep -rlE --include='*.go' 'store\.' "$@" || true)
[ -n "$files" ] || exit 0
# Typed states (training and complaint statuses, training answers): joined to
# a catalog key they are a string again; decideText takes a complaint status.
sed -i -E \
	-e 's/("complaint\.status\."\s*\+\s*)([A-Za-z_][A-Za-z0-9_.]*\.Status)\b/\1string(\2)/g' \
	-e 's/("training\.status\."\s*\+\s*)([A-Za-z_][A-Za-z0-9_.]*\.Status)\b/\1string(\2)/g' \
	-e 's/("training\.answer\."\s*\+\s*)([A-Za-z_][A-Za-z0-9_.]*\.Answer)\b/\1string(\2)/g' \
	-e 's/func decideText\(status string\)/func decideText(status store.ComplaintStatus)/' \
	-e 's/("(complaint\.done|resident\.complaint)\."\s*\+\s*)status\b/\1string(status)/g' \
	$files
# Every name store/aliases.go aliases: store.X -> model.X.
sed -i -E 's/\bstore\.(ComplaintStatus|Action|Transition|PatrolEnd|TrainingStatus|Answer|Status|EventKind|Role|ChatKind|PhotoKind|Plan|ExtensionStatus|Clock|ComplaintOpen|ComplaintCase|ComplaintAnswered|ComplaintRejected|ComplaintSettled|ActDispatch|ActRedirect|ActReturn|ActMerge|ActResubmit|ActVerify|ActNotOurs|ActProgress|ActExtend|ActApprove|ActRefuse|ActFixed|ActPass|ActFail|ActRate|ActStill|ActReopen|EndedBySteward|EndedByScheduler|TrainingPublished|TrainingCancelled|AnswerNone|AnswerRead|AnswerSigned|AnswerWaitlist|AnswerLeave|StatusSubmitted|StatusReturned|StatusDispatched|StatusVerified|StatusFixed|StatusClosed|StatusMerged|EventSubmitted|EventFixedOnSpot|EventDispatched|EventReturned|EventResubmitted|EventMerged|EventDuplicateMerged|EventVerified|EventNotOurs|EventProgress|EventExtensionRequested|EventExtensionApproved|EventExtensionRefused|EventFixed|EventRechecked|EventClosed|EventSentBack|EventEscalated|EventRated|EventReopened|EventConfirmed|RoleSteward|RoleCoordinator|RoleDepartment|RoleTrainer|RoleSupervisor|RoleAdmin|ChatExchange|ChatCoordinators|ChatDepartment|ChatCommittee|ChatResident|PhotoBefore|PhotoProgress|PhotoAfter|PhotoCheck|PlanNow|PlanByDate|ExtensionPending|ExtensionApproved|ExtensionRefused|ExtensionCancelled|ClockVerify|ClockFix|ComplaintStatuses|Lifecycle|TrainingStatuses|Answers|Statuses|EventKinds|ChatKinds)\b/model.\1/g' $files
goimports -local github.com/alleybot/alleybot -w $files
