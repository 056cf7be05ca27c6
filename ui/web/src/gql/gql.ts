/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "query Me { me { id username displayName roles locale } }": typeof types.MeDocument,
    "mutation SetLocale($locale: String!) { setMyLocale(locale: $locale) { id locale } }": typeof types.SetLocaleDocument,
    "mutation Logout { logout }": typeof types.LogoutDocument,
    "query DefaultJurisdiction { defaultJurisdiction }": typeof types.DefaultJurisdictionDocument,
    "\n  query Admin {\n    users { id username displayName roles locale disabled }\n    apiTokens { id name createdAt expiresAt revokedAt lastUsedAt }\n  }\n": typeof types.AdminDocument,
    "query AuditVerify { auditVerify { ok checked firstBrokenSeq reason headHash } }": typeof types.AuditVerifyDocument,
    "\n  mutation CreateUser($input: CreateUserInput!) { createUser(input: $input) { id username displayName roles locale disabled } }\n": typeof types.CreateUserDocument,
    "mutation SetUserRoles($id: ID!, $roles: [Role!]!) { setUserRoles(id: $id, roles: $roles) { id roles } }": typeof types.SetUserRolesDocument,
    "mutation SetUserDisabled($id: ID!, $disabled: Boolean!) { setUserDisabled(id: $id, disabled: $disabled) { id disabled } }": typeof types.SetUserDisabledDocument,
    "mutation ResetUserPassword($id: ID!, $password: String!) { resetUserPassword(id: $id, password: $password) { id } }": typeof types.ResetUserPasswordDocument,
    "mutation RevokeApiToken($id: ID!) { revokeApiToken(id: $id) { id revokedAt } }": typeof types.RevokeApiTokenDocument,
    "\n  query WebhookEndpoints { webhookEndpoints { id name url format kinds locale enabled createdAt actingAs { id displayName } } }\n": typeof types.WebhookEndpointsDocument,
    "\n  query WebhookDeliveries($after: String) {\n    webhookEndpoints { id deliveries(first: 20, after: $after) { hasNextPage endCursor\n      edges { id kind reference state attempts nextAttemptAt lastStatus lastError createdAt deliveredAt } } }\n  }\n": typeof types.WebhookDeliveriesDocument,
    "mutation CreateWebhookEndpoint($input: WebhookEndpointInput!) { createWebhookEndpoint(input: $input) { id } }": typeof types.CreateWebhookEndpointDocument,
    "mutation UpdateWebhookEndpoint($id: ID!, $input: WebhookEndpointInput!) { updateWebhookEndpoint(id: $id, input: $input) { id } }": typeof types.UpdateWebhookEndpointDocument,
    "mutation DeleteWebhookEndpoint($id: ID!) { deleteWebhookEndpoint(id: $id) }": typeof types.DeleteWebhookEndpointDocument,
    "\n  mutation TestWebhookEndpoint($id: ID!) { testWebhookEndpoint(id: $id) { id state attempts lastStatus lastError } }\n": typeof types.TestWebhookEndpointDocument,
    "mutation ReplayWebhookDelivery($id: ID!) { replayWebhookDelivery(id: $id) { id state attempts nextAttemptAt lastStatus lastError } }": typeof types.ReplayWebhookDeliveryDocument,
    "query RoleSubscriptions { roleSubscriptions { role kind channels } }": typeof types.RoleSubscriptionsDocument,
    "\n  mutation SetRoleSubscription($role: Role!, $kind: NoticeKind!, $channels: [NoticeChannel!]!) {\n    setRoleSubscription(role: $role, kind: $kind, channels: $channels) { role kind channels }\n  }\n": typeof types.SetRoleSubscriptionDocument,
    "\n  query Response($id: ID!) {\n    incident(id: $id) {\n      id version summary rootCause scopeAndImportance businessImpact reachedOutside disclosureDecision disclosureRationale affectedNotice statement\n      containmentActions { id kind description takenAt recordedBy { displayName } }\n      notifications { id authority notifiedAt reference recordedBy { displayName } }\n    }\n  }\n": typeof types.ResponseDocument,
    "\n  query Takedowns($id: ID!) {\n    incident(id: $id) {\n      id\n      spread { takedownCount takedowns(first: 100) { key name exposure containment { status requestedTo requestedAt updatedAt } } }\n    }\n  }\n": typeof types.TakedownsDocument,
    "mutation RecordContainment($id: ID!, $input: ContainmentActionInput!) {\n  recordContainmentAction(incidentId: $id, input: $input) { id } }": typeof types.RecordContainmentDocument,
    "mutation RecordNotification($id: ID!, $input: NotificationInput!) {\n  recordNotification(incidentId: $id, input: $input) { id } }": typeof types.RecordNotificationDocument,
    "mutation UpdateIncident($id: ID!, $version: Int!, $input: UpdateIncidentInput!) {\n  updateIncident(id: $id, expectedVersion: $version, input: $input) { id version } }": typeof types.UpdateIncidentDocument,
    "mutation AddTaskTo($id: ID!, $input: AddTaskInput!) { addTask(incidentId: $id, input: $input) { id } }": typeof types.AddTaskToDocument,
    "\n  query AuditLog($id: ID!, $after: Int) {\n    incident(id: $id) { id auditLog(first: 100, after: $after) { nextAfter entries { seq at actorName action targetType changes } } }\n  }\n": typeof types.AuditLogDocument,
    "\n  query Members($id: ID!) {\n    users { id username displayName }\n    incident(id: $id) {\n      id\n      members { caseRole outcomesAccess addedAt user { id username displayName } addedBy { displayName } }\n    }\n  }\n": typeof types.MembersDocument,
    "\n  mutation SetMember($id: ID!, $user: ID!, $role: CaseRole!, $outcomes: Boolean) {\n    setIncidentMember(incidentId: $id, userId: $user, caseRole: $role, outcomesAccess: $outcomes) { caseRole outcomesAccess }\n  }\n": typeof types.SetMemberDocument,
    "\n  mutation RemoveMember($id: ID!, $user: ID!) { removeIncidentMember(incidentId: $id, userId: $user) }\n": typeof types.RemoveMemberDocument,
    "mutation UpdateIncidentDetails($id: ID!, $version: Int!, $input: UpdateIncidentInput!) {\n  updateIncident(id: $id, expectedVersion: $version, input: $input) {\n    id version title leakedItem classification jurisdiction detectedAt detectionMethod reportedBy whereSeen secrecyPeriod timeZone\n  }\n}": typeof types.UpdateIncidentDetailsDocument,
    "\n  query IncidentPage($reference: String!) {\n    incidentByReference(reference: $reference) {\n      id reference title summary leakedItem classification jurisdiction detectedAt detectionMethod reportedBy whereSeen secrecyPeriod timeZone stage version frozenAt\n      lead { displayName }\n      myAccess { caseRole canEdit canAdvance canManageMembers canSeeOutcomes }\n      reportUpward { required deadline notifiedAt met }\n      clocks { definition { id start amount unit basis } status startedAt dueAt stoppedAt extended calendarGap canExtend\n        extensions { id amount reason at by { displayName } } }\n      nextClock { definition { id } status startedAt dueAt }\n      gate { stage met requirements { id description met task { id done title } } }\n      tasks { id title stage done required }\n      transitions { id from to kind at note by { displayName } }\n      reviews { decision comments reviewedAt snapshotSha256 reviewer { displayName } }\n    }\n  }\n": typeof types.IncidentPageDocument,
    "\n  mutation Advance($id: ID!, $to: Stage!, $note: String, $version: Int) {\n    advanceIncident(id: $id, to: $to, note: $note, expectedVersion: $version) { id stage version }\n  }\n": typeof types.AdvanceDocument,
    "\n  subscription IncidentChanged($id: ID!) { incidentChanged(id: $id) { incidentId action } }\n": typeof types.IncidentChangedDocument,
    "\n  mutation CompleteTask($id: ID!, $done: Boolean) { completeTask(id: $id, done: $done) { id done } }\n": typeof types.CompleteTaskDocument,
    "\n  query IssuedReports($id: ID!) {\n    incident(id: $id) {\n      id\n      notifications { id authority notifiedAt reference }\n      issuedReports { id kind language format sha256 issuedAt issuedBy { displayName } notification { id authority reference } evidence { id fileName } }\n    }\n  }\n": typeof types.IssuedReportsDocument,
    "mutation IssueReport($id: ID!, $input: IssueReportInput!) { issueReport(incidentId: $id, input: $input) { id } }": typeof types.IssueReportDocument,
    "mutation IssuedReportLink($id: ID!, $purpose: String!, $tz: String) {\n  evidenceLink(evidenceId: $id, purpose: $purpose, view: false, timeZone: $tz) { url } }": typeof types.IssuedReportLinkDocument,
    "\n  fragment ChatImportFields on ChatImport {\n    id format timeZone platform state bytesRead bytesTotal messages duplicates moreProblems failureReason failureMessage\n    evidence { id }\n    problems { line offset reason detail raw }\n    media { id fileName }\n  }\n": typeof types.ChatImportFieldsFragmentDoc,
    "\n  query ChatImports($id: ID!) { incident(id: $id) { id chatImports { ...ChatImportFields } } }\n": typeof types.ChatImportsDocument,
    "\n  mutation ReadChatExport($evidenceId: ID!, $input: ChatImportInput) { readChatExport(evidenceId: $evidenceId, input: $input) { ...ChatImportFields } }\n": typeof types.ReadChatExportDocument,
    "\n  mutation MarkLeak($incidentId: ID!, $input: LeakMarkInput!) { markLeak(incidentId: $incidentId, input: $input) { id kind } }\n": typeof types.MarkLeakDocument,
    "\n  fragment ChatMessageFields on ChatMessage {\n    id at kind text forwardedFrom quote members\n    chat { id name platform direct }\n    sender { id name handles }\n    media { name md5 omitted evidence { id fileName } }\n    items { sender at text }\n    sources { line offset raw evidence { id fileName } }\n    forwards { id key at from { name } to { name } }\n  }\n": typeof types.ChatMessageFieldsFragmentDoc,
    "\n  query ChatFilters($id: ID!) {\n    incident(id: $id) {\n      id\n      chats { id name platform direct messageCount memberCount }\n      chatSenders { id name platform handles }\n      chatImports { id state evidence { id fileName } }\n    }\n  }\n": typeof types.ChatFiltersDocument,
    "\n  query Messages($id: ID!, $filter: MessageFilter, $first: Int, $after: String) {\n    incident(id: $id) { id messages(filter: $filter, first: $first, after: $after) { total next messages { ...ChatMessageFields } } }\n  }\n": typeof types.MessagesDocument,
    "\n  query LeakAndSightings($id: ID!) {\n    incident(id: $id) {\n      id\n      leakMarks { id kind text sha256 md5 imageHashed documentNumbers createdAt evidence { id fileName } message { id text chat { name } } }\n      sightings { kind score detail item message { id at text chat { name } sender { name } sources { line evidence { id fileName } } } }\n    }\n  }\n": typeof types.LeakAndSightingsDocument,
    "mutation UnmarkLeak($id: ID!) { unmarkLeak(id: $id) }": typeof types.UnmarkLeakDocument,
    "mutation IdentifyChatSender($id: ID!, $name: String!) { identifyChatSender(id: $id, name: $name) { id name handles } }": typeof types.IdentifyChatSenderDocument,
    "mutation IdentifyChat($id: ID!, $name: String!) { identifyChat(id: $id, name: $name) { id name } }": typeof types.IdentifyChatDocument,
    "\n  fragment ProposalNodeFields on ProposalNode { key kind name platform memberCount }\n": typeof types.ProposalNodeFieldsFragmentDoc,
    "\n  fragment ProposalFields on ForwardProposal {\n    id key state at method confidence reason fromName earlierAt originAt candidates rejectReason decidedAt\n    from { ...ProposalNodeFields } to { ...ProposalNodeFields } by { ...ProposalNodeFields }\n    sources { line evidence { id fileName } message { id } }\n    forward { id key evidenced sources { line evidence { id fileName } } }\n    decidedBy { displayName }\n  }\n": typeof types.ProposalFieldsFragmentDoc,
    "\n  query Proposals($id: ID!) { incident(id: $id) { id proposals { ...ProposalFields } } }\n": typeof types.ProposalsDocument,
    "\n  mutation ReconstructChain($id: ID!) { reconstructChain(incidentId: $id) { sightings proposals { id } } }\n": typeof types.ReconstructChainDocument,
    "\n  mutation AcceptProposal($id: ID!, $edit: ProposalEdit) { acceptProposal(id: $id, edit: $edit) { id state } }\n": typeof types.AcceptProposalDocument,
    "\n  mutation AcceptProposals($id: ID!, $min: Float!) { acceptProposals(incidentId: $id, minConfidence: $min) { id state } }\n": typeof types.AcceptProposalsDocument,
    "\n  mutation RejectProposal($id: ID!, $reason: String!) { rejectProposal(id: $id, reason: $reason) { id state rejectReason } }\n": typeof types.RejectProposalDocument,
    "\n  mutation ExtendClock($incidentId: ID!, $clockId: String!, $amount: Int!, $reason: String!) {\n    extendClock(incidentId: $incidentId, clockId: $clockId, amount: $amount, reason: $reason) { status dueAt extended }\n  }\n": typeof types.ExtendClockDocument,
    "\n  mutation StartClock($incidentId: ID!, $clockId: String!) { startClock(incidentId: $incidentId, clockId: $clockId) { status startedAt dueAt } }\n": typeof types.StartClockDocument,
    "\n  mutation StopClock($incidentId: ID!, $clockId: String!) { stopClock(incidentId: $incidentId, clockId: $clockId) { status stoppedAt } }\n": typeof types.StopClockDocument,
    "\n  query Evidence($id: ID!) {\n    incident(id: $id) {\n      id\n      evidence {\n        id fileName sha256 size contentType uploadedAt timeZone legalHold fixity capturedAt device\n        uploadedBy { displayName }\n        duplicateOf { id }\n        acquisition { from where how at timeZone by }\n        custody { action actor { displayName } actorName at timeZone purpose sha256 transferredTo collectedFrom }\n      }\n    }\n  }\n": typeof types.EvidenceDocument,
    "query EvidenceMe { me { id displayName } }": typeof types.EvidenceMeDocument,
    "\n  mutation BeginUpload($id: ID!, $input: EvidenceInput!) { beginEvidenceUpload(incidentId: $id, input: $input) { id uploadUrl maxSize } }\n": typeof types.BeginUploadDocument,
    "\n  mutation EvidenceLink($id: ID!, $purpose: String!, $view: Boolean, $tz: String) {\n    evidenceLink(evidenceId: $id, purpose: $purpose, view: $view, timeZone: $tz) { url }\n  }\n": typeof types.EvidenceLinkDocument,
    "\n  mutation LegalHold($id: ID!, $on: Boolean!, $purpose: String!, $tz: String) {\n    setLegalHold(evidenceId: $id, on: $on, purpose: $purpose, timeZone: $tz) { id legalHold }\n  }\n": typeof types.LegalHoldDocument,
    "\n  mutation RecordCustody($id: ID!, $input: CustodyInput!) { recordCustody(evidenceId: $id, input: $input) { action } }\n": typeof types.RecordCustodyDocument,
    "\n  mutation VerifyEvidence($id: ID!) { verifyEvidence(incidentId: $id) {\n    checked ok mismatched missing problems { fixity evidence { fileName } }\n  } }\n": typeof types.VerifyEvidenceDocument,
    "\n  query Incidents($after: String, $filter: IncidentFilter) {\n    incidents(first: 50, after: $after, filter: $filter) {\n      totalCount pageInfo { hasNextPage endCursor }\n      edges { node { id reference title stage classification jurisdiction detectedAt frozenAt lead { displayName }\n        reportUpward { required deadline notifiedAt } nextClock { definition { id } status startedAt dueAt } counts { tasks openTasks evidence forwards } } }\n    }\n  }\n": typeof types.IncidentsDocument,
    "\n  mutation OpenIncident($input: OpenIncidentInput!) { openIncident(input: $input) { id reference } }\n": typeof types.OpenIncidentDocument,
    "\n  query Statistics($from: Time, $to: Time, $unit: String) {\n    statistics(from: $from, to: $to, unit: $unit) {\n      incidents reportUpwardRequired reportUpwardMet reportUpwardMetRate overdueMeasures\n      byStage { key count } byRootCause { key count } byPlatform { key count } byClassification { key count }\n      outcomesByType { key count }\n      timeInStage { key samples medianHours p90Hours }\n      detectionToContainment { samples medianHours p90Hours }\n      clockRates { clock { id } met late overdue running rate }\n    }\n    incidents(first: 100, filter: { stages: [CLOSED] }) { edges { node { id reference title frozenAt } } }\n  }\n": typeof types.StatisticsDocument,
    "\n  mutation Review($id: ID!, $decision: ReviewDecision!, $comments: String, $returnTo: Stage) {\n    reviewIncident(incidentId: $id, decision: $decision, comments: $comments, returnTo: $returnTo) { id snapshotSha256 }\n  }\n": typeof types.ReviewDocument,
    "\n  query NoticeSettings { noticeSettings { email quietFrom quietTo timeZone subscriptions { kind channels own } } }\n": typeof types.NoticeSettingsDocument,
    "\n  mutation UpdateNoticeSettings($input: NoticeSettingsInput!) {\n    updateNoticeSettings(input: $input) { email quietFrom quietTo timeZone subscriptions { kind channels own } }\n  }\n": typeof types.UpdateNoticeSettingsDocument,
    "\n  query Notices($first: Int, $after: String) {\n    notices(first: $first, after: $after) {\n      unread hasNextPage endCursor\n      edges { id kind reference at readAt data { key value } incident { id } }\n    }\n  }\n": typeof types.NoticesDocument,
    "mutation MarkNoticesRead($ids: [ID!]) { markNoticesRead(ids: $ids) }": typeof types.MarkNoticesReadDocument,
    "subscription NoticesChanged { noticesChanged }": typeof types.NoticesChangedDocument,
    "\n  query Responsibility($id: ID!) {\n    users { id displayName }\n    incident(id: $id) {\n      id version noResponsibleReason legalBasisPresets\n      responsibilityCandidates { node { key name } reasons }\n      findings {\n        id personName unit position kind facts noOutcomeReason\n        outcomes { id category type status nextStatuses decidingBody decidedOn legalBasis history { to note at by { displayName } } }\n      }\n      measures { id title dueOn status overdue owner { id displayName } }\n    }\n  }\n": typeof types.ResponsibilityDocument,
    "mutation RecordFinding($id: ID!, $input: FindingInput!) { recordFinding(incidentId: $id, input: $input) { id } }": typeof types.RecordFindingDocument,
    "mutation ProposeOutcome($id: ID!, $input: OutcomeInput!) { proposeOutcome(findingId: $id, input: $input) { id } }": typeof types.ProposeOutcomeDocument,
    "mutation MoveOutcome($id: ID!, $status: OutcomeStatus!, $decidedOn: Date, $note: String) {\n  setOutcomeStatus(id: $id, status: $status, decidedOn: $decidedOn, note: $note) { id status } }": typeof types.MoveOutcomeDocument,
    "mutation UpdateMeasure($id: ID!, $input: MeasureInput!) { updateMeasure(id: $id, input: $input) { id status overdue } }": typeof types.UpdateMeasureDocument,
    "mutation SetNoResponsible($id: ID!, $v: Int!, $reason: String!) {\n  updateIncident(id: $id, expectedVersion: $v, input: { noResponsibleReason: $reason }) { id version noResponsibleReason } }": typeof types.SetNoResponsibleDocument,
    "mutation AddMeasure($id: ID!, $input: MeasureInput!) { recordMeasure(incidentId: $id, input: $input) { id } }": typeof types.AddMeasureDocument,
    "mutation ChangeMyPassword($current: String!, $password: String!) {\n  changeMyPassword(currentPassword: $current, password: $password) }": typeof types.ChangeMyPasswordDocument,
    "\n  mutation Login($username: String!, $password: String!) {\n    login(username: $username, password: $password) { user { id username displayName roles locale } }\n  }\n": typeof types.LoginDocument,
    "\n  mutation RecordForward($id: ID!, $f: [ForwardInput!]!) { recordForwards(incidentId: $id, forwards: $f) { id } }\n": typeof types.RecordForwardDocument,
    "\n  query SpreadSummary($id: ID!) {\n    incident(id: $id) {\n      id\n      spread {\n        depth reachedNodes estimatedAudience forwardCount frontierCount warningCount\n        origins { key name }\n        firstExternal { key to { key name } }\n        firstPublic { key to { key name } }\n        frontier(first: 20) { key name kind exposure memberCount containment { status } }\n        warnings(first: 20) { kind forwardKeys nodeKeys }\n      }\n    }\n  }\n": typeof types.SpreadSummaryDocument,
    "\n  query ForwardSources($id: ID!) {\n    incident(id: $id) { id spread { forwards(first: 1000) { key evidenced sources { line evidence { id fileName } } } } }\n  }\n": typeof types.ForwardSourcesDocument,
    "\n  query SpreadPath($id: ID!, $key: String!) { incident(id: $id) { id spread { pathTo(nodeKey: $key) { key at method from { name } to { name } by { name } } } } }\n": typeof types.SpreadPathDocument,
    "\n  mutation UpdateNode($id: ID!, $input: NodePatch!) { updateNode(id: $id, input: $input) { id name exposure memberCount } }\n": typeof types.UpdateNodeDocument,
    "\n  mutation SetNodeContainment($id: ID!, $input: ContainmentInput!) { setNodeContainment(nodeId: $id, input: $input) { id containment { status } } }\n": typeof types.SetNodeContainmentDocument,
    "\n  mutation UpdateForward($id: ID!, $input: ForwardPatch!) { updateForward(id: $id, input: $input) { id at method confidence note } }\n": typeof types.UpdateForwardDocument,
    "\n  mutation DeleteForward($id: ID!) { deleteForward(id: $id) }\n": typeof types.DeleteForwardDocument,
};
const documents: Documents = {
    "query Me { me { id username displayName roles locale } }": types.MeDocument,
    "mutation SetLocale($locale: String!) { setMyLocale(locale: $locale) { id locale } }": types.SetLocaleDocument,
    "mutation Logout { logout }": types.LogoutDocument,
    "query DefaultJurisdiction { defaultJurisdiction }": types.DefaultJurisdictionDocument,
    "\n  query Admin {\n    users { id username displayName roles locale disabled }\n    apiTokens { id name createdAt expiresAt revokedAt lastUsedAt }\n  }\n": types.AdminDocument,
    "query AuditVerify { auditVerify { ok checked firstBrokenSeq reason headHash } }": types.AuditVerifyDocument,
    "\n  mutation CreateUser($input: CreateUserInput!) { createUser(input: $input) { id username displayName roles locale disabled } }\n": types.CreateUserDocument,
    "mutation SetUserRoles($id: ID!, $roles: [Role!]!) { setUserRoles(id: $id, roles: $roles) { id roles } }": types.SetUserRolesDocument,
    "mutation SetUserDisabled($id: ID!, $disabled: Boolean!) { setUserDisabled(id: $id, disabled: $disabled) { id disabled } }": types.SetUserDisabledDocument,
    "mutation ResetUserPassword($id: ID!, $password: String!) { resetUserPassword(id: $id, password: $password) { id } }": types.ResetUserPasswordDocument,
    "mutation RevokeApiToken($id: ID!) { revokeApiToken(id: $id) { id revokedAt } }": types.RevokeApiTokenDocument,
    "\n  query WebhookEndpoints { webhookEndpoints { id name url format kinds locale enabled createdAt actingAs { id displayName } } }\n": types.WebhookEndpointsDocument,
    "\n  query WebhookDeliveries($after: String) {\n    webhookEndpoints { id deliveries(first: 20, after: $after) { hasNextPage endCursor\n      edges { id kind reference state attempts nextAttemptAt lastStatus lastError createdAt deliveredAt } } }\n  }\n": types.WebhookDeliveriesDocument,
    "mutation CreateWebhookEndpoint($input: WebhookEndpointInput!) { createWebhookEndpoint(input: $input) { id } }": types.CreateWebhookEndpointDocument,
    "mutation UpdateWebhookEndpoint($id: ID!, $input: WebhookEndpointInput!) { updateWebhookEndpoint(id: $id, input: $input) { id } }": types.UpdateWebhookEndpointDocument,
    "mutation DeleteWebhookEndpoint($id: ID!) { deleteWebhookEndpoint(id: $id) }": types.DeleteWebhookEndpointDocument,
    "\n  mutation TestWebhookEndpoint($id: ID!) { testWebhookEndpoint(id: $id) { id state attempts lastStatus lastError } }\n": types.TestWebhookEndpointDocument,
    "mutation ReplayWebhookDelivery($id: ID!) { replayWebhookDelivery(id: $id) { id state attempts nextAttemptAt lastStatus lastError } }": types.ReplayWebhookDeliveryDocument,
    "query RoleSubscriptions { roleSubscriptions { role kind channels } }": types.RoleSubscriptionsDocument,
    "\n  mutation SetRoleSubscription($role: Role!, $kind: NoticeKind!, $channels: [NoticeChannel!]!) {\n    setRoleSubscription(role: $role, kind: $kind, channels: $channels) { role kind channels }\n  }\n": types.SetRoleSubscriptionDocument,
    "\n  query Response($id: ID!) {\n    incident(id: $id) {\n      id version summary rootCause scopeAndImportance businessImpact reachedOutside disclosureDecision disclosureRationale affectedNotice statement\n      containmentActions { id kind description takenAt recordedBy { displayName } }\n      notifications { id authority notifiedAt reference recordedBy { displayName } }\n    }\n  }\n": types.ResponseDocument,
    "\n  query Takedowns($id: ID!) {\n    incident(id: $id) {\n      id\n      spread { takedownCount takedowns(first: 100) { key name exposure containment { status requestedTo requestedAt updatedAt } } }\n    }\n  }\n": types.TakedownsDocument,
    "mutation RecordContainment($id: ID!, $input: ContainmentActionInput!) {\n  recordContainmentAction(incidentId: $id, input: $input) { id } }": types.RecordContainmentDocument,
    "mutation RecordNotification($id: ID!, $input: NotificationInput!) {\n  recordNotification(incidentId: $id, input: $input) { id } }": types.RecordNotificationDocument,
    "mutation UpdateIncident($id: ID!, $version: Int!, $input: UpdateIncidentInput!) {\n  updateIncident(id: $id, expectedVersion: $version, input: $input) { id version } }": types.UpdateIncidentDocument,
    "mutation AddTaskTo($id: ID!, $input: AddTaskInput!) { addTask(incidentId: $id, input: $input) { id } }": types.AddTaskToDocument,
    "\n  query AuditLog($id: ID!, $after: Int) {\n    incident(id: $id) { id auditLog(first: 100, after: $after) { nextAfter entries { seq at actorName action targetType changes } } }\n  }\n": types.AuditLogDocument,
    "\n  query Members($id: ID!) {\n    users { id username displayName }\n    incident(id: $id) {\n      id\n      members { caseRole outcomesAccess addedAt user { id username displayName } addedBy { displayName } }\n    }\n  }\n": types.MembersDocument,
    "\n  mutation SetMember($id: ID!, $user: ID!, $role: CaseRole!, $outcomes: Boolean) {\n    setIncidentMember(incidentId: $id, userId: $user, caseRole: $role, outcomesAccess: $outcomes) { caseRole outcomesAccess }\n  }\n": types.SetMemberDocument,
    "\n  mutation RemoveMember($id: ID!, $user: ID!) { removeIncidentMember(incidentId: $id, userId: $user) }\n": types.RemoveMemberDocument,
    "mutation UpdateIncidentDetails($id: ID!, $version: Int!, $input: UpdateIncidentInput!) {\n  updateIncident(id: $id, expectedVersion: $version, input: $input) {\n    id version title leakedItem classification jurisdiction detectedAt detectionMethod reportedBy whereSeen secrecyPeriod timeZone\n  }\n}": types.UpdateIncidentDetailsDocument,
    "\n  query IncidentPage($reference: String!) {\n    incidentByReference(reference: $reference) {\n      id reference title summary leakedItem classification jurisdiction detectedAt detectionMethod reportedBy whereSeen secrecyPeriod timeZone stage version frozenAt\n      lead { displayName }\n      myAccess { caseRole canEdit canAdvance canManageMembers canSeeOutcomes }\n      reportUpward { required deadline notifiedAt met }\n      clocks { definition { id start amount unit basis } status startedAt dueAt stoppedAt extended calendarGap canExtend\n        extensions { id amount reason at by { displayName } } }\n      nextClock { definition { id } status startedAt dueAt }\n      gate { stage met requirements { id description met task { id done title } } }\n      tasks { id title stage done required }\n      transitions { id from to kind at note by { displayName } }\n      reviews { decision comments reviewedAt snapshotSha256 reviewer { displayName } }\n    }\n  }\n": types.IncidentPageDocument,
    "\n  mutation Advance($id: ID!, $to: Stage!, $note: String, $version: Int) {\n    advanceIncident(id: $id, to: $to, note: $note, expectedVersion: $version) { id stage version }\n  }\n": types.AdvanceDocument,
    "\n  subscription IncidentChanged($id: ID!) { incidentChanged(id: $id) { incidentId action } }\n": types.IncidentChangedDocument,
    "\n  mutation CompleteTask($id: ID!, $done: Boolean) { completeTask(id: $id, done: $done) { id done } }\n": types.CompleteTaskDocument,
    "\n  query IssuedReports($id: ID!) {\n    incident(id: $id) {\n      id\n      notifications { id authority notifiedAt reference }\n      issuedReports { id kind language format sha256 issuedAt issuedBy { displayName } notification { id authority reference } evidence { id fileName } }\n    }\n  }\n": types.IssuedReportsDocument,
    "mutation IssueReport($id: ID!, $input: IssueReportInput!) { issueReport(incidentId: $id, input: $input) { id } }": types.IssueReportDocument,
    "mutation IssuedReportLink($id: ID!, $purpose: String!, $tz: String) {\n  evidenceLink(evidenceId: $id, purpose: $purpose, view: false, timeZone: $tz) { url } }": types.IssuedReportLinkDocument,
    "\n  fragment ChatImportFields on ChatImport {\n    id format timeZone platform state bytesRead bytesTotal messages duplicates moreProblems failureReason failureMessage\n    evidence { id }\n    problems { line offset reason detail raw }\n    media { id fileName }\n  }\n": types.ChatImportFieldsFragmentDoc,
    "\n  query ChatImports($id: ID!) { incident(id: $id) { id chatImports { ...ChatImportFields } } }\n": types.ChatImportsDocument,
    "\n  mutation ReadChatExport($evidenceId: ID!, $input: ChatImportInput) { readChatExport(evidenceId: $evidenceId, input: $input) { ...ChatImportFields } }\n": types.ReadChatExportDocument,
    "\n  mutation MarkLeak($incidentId: ID!, $input: LeakMarkInput!) { markLeak(incidentId: $incidentId, input: $input) { id kind } }\n": types.MarkLeakDocument,
    "\n  fragment ChatMessageFields on ChatMessage {\n    id at kind text forwardedFrom quote members\n    chat { id name platform direct }\n    sender { id name handles }\n    media { name md5 omitted evidence { id fileName } }\n    items { sender at text }\n    sources { line offset raw evidence { id fileName } }\n    forwards { id key at from { name } to { name } }\n  }\n": types.ChatMessageFieldsFragmentDoc,
    "\n  query ChatFilters($id: ID!) {\n    incident(id: $id) {\n      id\n      chats { id name platform direct messageCount memberCount }\n      chatSenders { id name platform handles }\n      chatImports { id state evidence { id fileName } }\n    }\n  }\n": types.ChatFiltersDocument,
    "\n  query Messages($id: ID!, $filter: MessageFilter, $first: Int, $after: String) {\n    incident(id: $id) { id messages(filter: $filter, first: $first, after: $after) { total next messages { ...ChatMessageFields } } }\n  }\n": types.MessagesDocument,
    "\n  query LeakAndSightings($id: ID!) {\n    incident(id: $id) {\n      id\n      leakMarks { id kind text sha256 md5 imageHashed documentNumbers createdAt evidence { id fileName } message { id text chat { name } } }\n      sightings { kind score detail item message { id at text chat { name } sender { name } sources { line evidence { id fileName } } } }\n    }\n  }\n": types.LeakAndSightingsDocument,
    "mutation UnmarkLeak($id: ID!) { unmarkLeak(id: $id) }": types.UnmarkLeakDocument,
    "mutation IdentifyChatSender($id: ID!, $name: String!) { identifyChatSender(id: $id, name: $name) { id name handles } }": types.IdentifyChatSenderDocument,
    "mutation IdentifyChat($id: ID!, $name: String!) { identifyChat(id: $id, name: $name) { id name } }": types.IdentifyChatDocument,
    "\n  fragment ProposalNodeFields on ProposalNode { key kind name platform memberCount }\n": types.ProposalNodeFieldsFragmentDoc,
    "\n  fragment ProposalFields on ForwardProposal {\n    id key state at method confidence reason fromName earlierAt originAt candidates rejectReason decidedAt\n    from { ...ProposalNodeFields } to { ...ProposalNodeFields } by { ...ProposalNodeFields }\n    sources { line evidence { id fileName } message { id } }\n    forward { id key evidenced sources { line evidence { id fileName } } }\n    decidedBy { displayName }\n  }\n": types.ProposalFieldsFragmentDoc,
    "\n  query Proposals($id: ID!) { incident(id: $id) { id proposals { ...ProposalFields } } }\n": types.ProposalsDocument,
    "\n  mutation ReconstructChain($id: ID!) { reconstructChain(incidentId: $id) { sightings proposals { id } } }\n": types.ReconstructChainDocument,
    "\n  mutation AcceptProposal($id: ID!, $edit: ProposalEdit) { acceptProposal(id: $id, edit: $edit) { id state } }\n": types.AcceptProposalDocument,
    "\n  mutation AcceptProposals($id: ID!, $min: Float!) { acceptProposals(incidentId: $id, minConfidence: $min) { id state } }\n": types.AcceptProposalsDocument,
    "\n  mutation RejectProposal($id: ID!, $reason: String!) { rejectProposal(id: $id, reason: $reason) { id state rejectReason } }\n": types.RejectProposalDocument,
    "\n  mutation ExtendClock($incidentId: ID!, $clockId: String!, $amount: Int!, $reason: String!) {\n    extendClock(incidentId: $incidentId, clockId: $clockId, amount: $amount, reason: $reason) { status dueAt extended }\n  }\n": types.ExtendClockDocument,
    "\n  mutation StartClock($incidentId: ID!, $clockId: String!) { startClock(incidentId: $incidentId, clockId: $clockId) { status startedAt dueAt } }\n": types.StartClockDocument,
    "\n  mutation StopClock($incidentId: ID!, $clockId: String!) { stopClock(incidentId: $incidentId, clockId: $clockId) { status stoppedAt } }\n": types.StopClockDocument,
    "\n  query Evidence($id: ID!) {\n    incident(id: $id) {\n      id\n      evidence {\n        id fileName sha256 size contentType uploadedAt timeZone legalHold fixity capturedAt device\n        uploadedBy { displayName }\n        duplicateOf { id }\n        acquisition { from where how at timeZone by }\n        custody { action actor { displayName } actorName at timeZone purpose sha256 transferredTo collectedFrom }\n      }\n    }\n  }\n": types.EvidenceDocument,
    "query EvidenceMe { me { id displayName } }": types.EvidenceMeDocument,
    "\n  mutation BeginUpload($id: ID!, $input: EvidenceInput!) { beginEvidenceUpload(incidentId: $id, input: $input) { id uploadUrl maxSize } }\n": types.BeginUploadDocument,
    "\n  mutation EvidenceLink($id: ID!, $purpose: String!, $view: Boolean, $tz: String) {\n    evidenceLink(evidenceId: $id, purpose: $purpose, view: $view, timeZone: $tz) { url }\n  }\n": types.EvidenceLinkDocument,
    "\n  mutation LegalHold($id: ID!, $on: Boolean!, $purpose: String!, $tz: String) {\n    setLegalHold(evidenceId: $id, on: $on, purpose: $purpose, timeZone: $tz) { id legalHold }\n  }\n": types.LegalHoldDocument,
    "\n  mutation RecordCustody($id: ID!, $input: CustodyInput!) { recordCustody(evidenceId: $id, input: $input) { action } }\n": types.RecordCustodyDocument,
    "\n  mutation VerifyEvidence($id: ID!) { verifyEvidence(incidentId: $id) {\n    checked ok mismatched missing problems { fixity evidence { fileName } }\n  } }\n": types.VerifyEvidenceDocument,
    "\n  query Incidents($after: String, $filter: IncidentFilter) {\n    incidents(first: 50, after: $after, filter: $filter) {\n      totalCount pageInfo { hasNextPage endCursor }\n      edges { node { id reference title stage classification jurisdiction detectedAt frozenAt lead { displayName }\n        reportUpward { required deadline notifiedAt } nextClock { definition { id } status startedAt dueAt } counts { tasks openTasks evidence forwards } } }\n    }\n  }\n": types.IncidentsDocument,
    "\n  mutation OpenIncident($input: OpenIncidentInput!) { openIncident(input: $input) { id reference } }\n": types.OpenIncidentDocument,
    "\n  query Statistics($from: Time, $to: Time, $unit: String) {\n    statistics(from: $from, to: $to, unit: $unit) {\n      incidents reportUpwardRequired reportUpwardMet reportUpwardMetRate overdueMeasures\n      byStage { key count } byRootCause { key count } byPlatform { key count } byClassification { key count }\n      outcomesByType { key count }\n      timeInStage { key samples medianHours p90Hours }\n      detectionToContainment { samples medianHours p90Hours }\n      clockRates { clock { id } met late overdue running rate }\n    }\n    incidents(first: 100, filter: { stages: [CLOSED] }) { edges { node { id reference title frozenAt } } }\n  }\n": types.StatisticsDocument,
    "\n  mutation Review($id: ID!, $decision: ReviewDecision!, $comments: String, $returnTo: Stage) {\n    reviewIncident(incidentId: $id, decision: $decision, comments: $comments, returnTo: $returnTo) { id snapshotSha256 }\n  }\n": types.ReviewDocument,
    "\n  query NoticeSettings { noticeSettings { email quietFrom quietTo timeZone subscriptions { kind channels own } } }\n": types.NoticeSettingsDocument,
    "\n  mutation UpdateNoticeSettings($input: NoticeSettingsInput!) {\n    updateNoticeSettings(input: $input) { email quietFrom quietTo timeZone subscriptions { kind channels own } }\n  }\n": types.UpdateNoticeSettingsDocument,
    "\n  query Notices($first: Int, $after: String) {\n    notices(first: $first, after: $after) {\n      unread hasNextPage endCursor\n      edges { id kind reference at readAt data { key value } incident { id } }\n    }\n  }\n": types.NoticesDocument,
    "mutation MarkNoticesRead($ids: [ID!]) { markNoticesRead(ids: $ids) }": types.MarkNoticesReadDocument,
    "subscription NoticesChanged { noticesChanged }": types.NoticesChangedDocument,
    "\n  query Responsibility($id: ID!) {\n    users { id displayName }\n    incident(id: $id) {\n      id version noResponsibleReason legalBasisPresets\n      responsibilityCandidates { node { key name } reasons }\n      findings {\n        id personName unit position kind facts noOutcomeReason\n        outcomes { id category type status nextStatuses decidingBody decidedOn legalBasis history { to note at by { displayName } } }\n      }\n      measures { id title dueOn status overdue owner { id displayName } }\n    }\n  }\n": types.ResponsibilityDocument,
    "mutation RecordFinding($id: ID!, $input: FindingInput!) { recordFinding(incidentId: $id, input: $input) { id } }": types.RecordFindingDocument,
    "mutation ProposeOutcome($id: ID!, $input: OutcomeInput!) { proposeOutcome(findingId: $id, input: $input) { id } }": types.ProposeOutcomeDocument,
    "mutation MoveOutcome($id: ID!, $status: OutcomeStatus!, $decidedOn: Date, $note: String) {\n  setOutcomeStatus(id: $id, status: $status, decidedOn: $decidedOn, note: $note) { id status } }": types.MoveOutcomeDocument,
    "mutation UpdateMeasure($id: ID!, $input: MeasureInput!) { updateMeasure(id: $id, input: $input) { id status overdue } }": types.UpdateMeasureDocument,
    "mutation SetNoResponsible($id: ID!, $v: Int!, $reason: String!) {\n  updateIncident(id: $id, expectedVersion: $v, input: { noResponsibleReason: $reason }) { id version noResponsibleReason } }": types.SetNoResponsibleDocument,
    "mutation AddMeasure($id: ID!, $input: MeasureInput!) { recordMeasure(incidentId: $id, input: $input) { id } }": types.AddMeasureDocument,
    "mutation ChangeMyPassword($current: String!, $password: String!) {\n  changeMyPassword(currentPassword: $current, password: $password) }": types.ChangeMyPasswordDocument,
    "\n  mutation Login($username: String!, $password: String!) {\n    login(username: $username, password: $password) { user { id username displayName roles locale } }\n  }\n": types.LoginDocument,
    "\n  mutation RecordForward($id: ID!, $f: [ForwardInput!]!) { recordForwards(incidentId: $id, forwards: $f) { id } }\n": types.RecordForwardDocument,
    "\n  query SpreadSummary($id: ID!) {\n    incident(id: $id) {\n      id\n      spread {\n        depth reachedNodes estimatedAudience forwardCount frontierCount warningCount\n        origins { key name }\n        firstExternal { key to { key name } }\n        firstPublic { key to { key name } }\n        frontier(first: 20) { key name kind exposure memberCount containment { status } }\n        warnings(first: 20) { kind forwardKeys nodeKeys }\n      }\n    }\n  }\n": types.SpreadSummaryDocument,
    "\n  query ForwardSources($id: ID!) {\n    incident(id: $id) { id spread { forwards(first: 1000) { key evidenced sources { line evidence { id fileName } } } } }\n  }\n": types.ForwardSourcesDocument,
    "\n  query SpreadPath($id: ID!, $key: String!) { incident(id: $id) { id spread { pathTo(nodeKey: $key) { key at method from { name } to { name } by { name } } } } }\n": types.SpreadPathDocument,
    "\n  mutation UpdateNode($id: ID!, $input: NodePatch!) { updateNode(id: $id, input: $input) { id name exposure memberCount } }\n": types.UpdateNodeDocument,
    "\n  mutation SetNodeContainment($id: ID!, $input: ContainmentInput!) { setNodeContainment(nodeId: $id, input: $input) { id containment { status } } }\n": types.SetNodeContainmentDocument,
    "\n  mutation UpdateForward($id: ID!, $input: ForwardPatch!) { updateForward(id: $id, input: $input) { id at method confidence note } }\n": types.UpdateForwardDocument,
    "\n  mutation DeleteForward($id: ID!) { deleteForward(id: $id) }\n": types.DeleteForwardDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Me { me { id username displayName roles locale } }"): (typeof documents)["query Me { me { id username displayName roles locale } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation SetLocale($locale: String!) { setMyLocale(locale: $locale) { id locale } }"): (typeof documents)["mutation SetLocale($locale: String!) { setMyLocale(locale: $locale) { id locale } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation Logout { logout }"): (typeof documents)["mutation Logout { logout }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query DefaultJurisdiction { defaultJurisdiction }"): (typeof documents)["query DefaultJurisdiction { defaultJurisdiction }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Admin {\n    users { id username displayName roles locale disabled }\n    apiTokens { id name createdAt expiresAt revokedAt lastUsedAt }\n  }\n"): (typeof documents)["\n  query Admin {\n    users { id username displayName roles locale disabled }\n    apiTokens { id name createdAt expiresAt revokedAt lastUsedAt }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query AuditVerify { auditVerify { ok checked firstBrokenSeq reason headHash } }"): (typeof documents)["query AuditVerify { auditVerify { ok checked firstBrokenSeq reason headHash } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateUser($input: CreateUserInput!) { createUser(input: $input) { id username displayName roles locale disabled } }\n"): (typeof documents)["\n  mutation CreateUser($input: CreateUserInput!) { createUser(input: $input) { id username displayName roles locale disabled } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation SetUserRoles($id: ID!, $roles: [Role!]!) { setUserRoles(id: $id, roles: $roles) { id roles } }"): (typeof documents)["mutation SetUserRoles($id: ID!, $roles: [Role!]!) { setUserRoles(id: $id, roles: $roles) { id roles } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation SetUserDisabled($id: ID!, $disabled: Boolean!) { setUserDisabled(id: $id, disabled: $disabled) { id disabled } }"): (typeof documents)["mutation SetUserDisabled($id: ID!, $disabled: Boolean!) { setUserDisabled(id: $id, disabled: $disabled) { id disabled } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ResetUserPassword($id: ID!, $password: String!) { resetUserPassword(id: $id, password: $password) { id } }"): (typeof documents)["mutation ResetUserPassword($id: ID!, $password: String!) { resetUserPassword(id: $id, password: $password) { id } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation RevokeApiToken($id: ID!) { revokeApiToken(id: $id) { id revokedAt } }"): (typeof documents)["mutation RevokeApiToken($id: ID!) { revokeApiToken(id: $id) { id revokedAt } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WebhookEndpoints { webhookEndpoints { id name url format kinds locale enabled createdAt actingAs { id displayName } } }\n"): (typeof documents)["\n  query WebhookEndpoints { webhookEndpoints { id name url format kinds locale enabled createdAt actingAs { id displayName } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WebhookDeliveries($after: String) {\n    webhookEndpoints { id deliveries(first: 20, after: $after) { hasNextPage endCursor\n      edges { id kind reference state attempts nextAttemptAt lastStatus lastError createdAt deliveredAt } } }\n  }\n"): (typeof documents)["\n  query WebhookDeliveries($after: String) {\n    webhookEndpoints { id deliveries(first: 20, after: $after) { hasNextPage endCursor\n      edges { id kind reference state attempts nextAttemptAt lastStatus lastError createdAt deliveredAt } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation CreateWebhookEndpoint($input: WebhookEndpointInput!) { createWebhookEndpoint(input: $input) { id } }"): (typeof documents)["mutation CreateWebhookEndpoint($input: WebhookEndpointInput!) { createWebhookEndpoint(input: $input) { id } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation UpdateWebhookEndpoint($id: ID!, $input: WebhookEndpointInput!) { updateWebhookEndpoint(id: $id, input: $input) { id } }"): (typeof documents)["mutation UpdateWebhookEndpoint($id: ID!, $input: WebhookEndpointInput!) { updateWebhookEndpoint(id: $id, input: $input) { id } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation DeleteWebhookEndpoint($id: ID!) { deleteWebhookEndpoint(id: $id) }"): (typeof documents)["mutation DeleteWebhookEndpoint($id: ID!) { deleteWebhookEndpoint(id: $id) }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation TestWebhookEndpoint($id: ID!) { testWebhookEndpoint(id: $id) { id state attempts lastStatus lastError } }\n"): (typeof documents)["\n  mutation TestWebhookEndpoint($id: ID!) { testWebhookEndpoint(id: $id) { id state attempts lastStatus lastError } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ReplayWebhookDelivery($id: ID!) { replayWebhookDelivery(id: $id) { id state attempts nextAttemptAt lastStatus lastError } }"): (typeof documents)["mutation ReplayWebhookDelivery($id: ID!) { replayWebhookDelivery(id: $id) { id state attempts nextAttemptAt lastStatus lastError } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query RoleSubscriptions { roleSubscriptions { role kind channels } }"): (typeof documents)["query RoleSubscriptions { roleSubscriptions { role kind channels } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetRoleSubscription($role: Role!, $kind: NoticeKind!, $channels: [NoticeChannel!]!) {\n    setRoleSubscription(role: $role, kind: $kind, channels: $channels) { role kind channels }\n  }\n"): (typeof documents)["\n  mutation SetRoleSubscription($role: Role!, $kind: NoticeKind!, $channels: [NoticeChannel!]!) {\n    setRoleSubscription(role: $role, kind: $kind, channels: $channels) { role kind channels }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Response($id: ID!) {\n    incident(id: $id) {\n      id version summary rootCause scopeAndImportance businessImpact reachedOutside disclosureDecision disclosureRationale affectedNotice statement\n      containmentActions { id kind description takenAt recordedBy { displayName } }\n      notifications { id authority notifiedAt reference recordedBy { displayName } }\n    }\n  }\n"): (typeof documents)["\n  query Response($id: ID!) {\n    incident(id: $id) {\n      id version summary rootCause scopeAndImportance businessImpact reachedOutside disclosureDecision disclosureRationale affectedNotice statement\n      containmentActions { id kind description takenAt recordedBy { displayName } }\n      notifications { id authority notifiedAt reference recordedBy { displayName } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Takedowns($id: ID!) {\n    incident(id: $id) {\n      id\n      spread { takedownCount takedowns(first: 100) { key name exposure containment { status requestedTo requestedAt updatedAt } } }\n    }\n  }\n"): (typeof documents)["\n  query Takedowns($id: ID!) {\n    incident(id: $id) {\n      id\n      spread { takedownCount takedowns(first: 100) { key name exposure containment { status requestedTo requestedAt updatedAt } } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation RecordContainment($id: ID!, $input: ContainmentActionInput!) {\n  recordContainmentAction(incidentId: $id, input: $input) { id } }"): (typeof documents)["mutation RecordContainment($id: ID!, $input: ContainmentActionInput!) {\n  recordContainmentAction(incidentId: $id, input: $input) { id } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation RecordNotification($id: ID!, $input: NotificationInput!) {\n  recordNotification(incidentId: $id, input: $input) { id } }"): (typeof documents)["mutation RecordNotification($id: ID!, $input: NotificationInput!) {\n  recordNotification(incidentId: $id, input: $input) { id } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation UpdateIncident($id: ID!, $version: Int!, $input: UpdateIncidentInput!) {\n  updateIncident(id: $id, expectedVersion: $version, input: $input) { id version } }"): (typeof documents)["mutation UpdateIncident($id: ID!, $version: Int!, $input: UpdateIncidentInput!) {\n  updateIncident(id: $id, expectedVersion: $version, input: $input) { id version } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation AddTaskTo($id: ID!, $input: AddTaskInput!) { addTask(incidentId: $id, input: $input) { id } }"): (typeof documents)["mutation AddTaskTo($id: ID!, $input: AddTaskInput!) { addTask(incidentId: $id, input: $input) { id } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AuditLog($id: ID!, $after: Int) {\n    incident(id: $id) { id auditLog(first: 100, after: $after) { nextAfter entries { seq at actorName action targetType changes } } }\n  }\n"): (typeof documents)["\n  query AuditLog($id: ID!, $after: Int) {\n    incident(id: $id) { id auditLog(first: 100, after: $after) { nextAfter entries { seq at actorName action targetType changes } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Members($id: ID!) {\n    users { id username displayName }\n    incident(id: $id) {\n      id\n      members { caseRole outcomesAccess addedAt user { id username displayName } addedBy { displayName } }\n    }\n  }\n"): (typeof documents)["\n  query Members($id: ID!) {\n    users { id username displayName }\n    incident(id: $id) {\n      id\n      members { caseRole outcomesAccess addedAt user { id username displayName } addedBy { displayName } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetMember($id: ID!, $user: ID!, $role: CaseRole!, $outcomes: Boolean) {\n    setIncidentMember(incidentId: $id, userId: $user, caseRole: $role, outcomesAccess: $outcomes) { caseRole outcomesAccess }\n  }\n"): (typeof documents)["\n  mutation SetMember($id: ID!, $user: ID!, $role: CaseRole!, $outcomes: Boolean) {\n    setIncidentMember(incidentId: $id, userId: $user, caseRole: $role, outcomesAccess: $outcomes) { caseRole outcomesAccess }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RemoveMember($id: ID!, $user: ID!) { removeIncidentMember(incidentId: $id, userId: $user) }\n"): (typeof documents)["\n  mutation RemoveMember($id: ID!, $user: ID!) { removeIncidentMember(incidentId: $id, userId: $user) }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation UpdateIncidentDetails($id: ID!, $version: Int!, $input: UpdateIncidentInput!) {\n  updateIncident(id: $id, expectedVersion: $version, input: $input) {\n    id version title leakedItem classification jurisdiction detectedAt detectionMethod reportedBy whereSeen secrecyPeriod timeZone\n  }\n}"): (typeof documents)["mutation UpdateIncidentDetails($id: ID!, $version: Int!, $input: UpdateIncidentInput!) {\n  updateIncident(id: $id, expectedVersion: $version, input: $input) {\n    id version title leakedItem classification jurisdiction detectedAt detectionMethod reportedBy whereSeen secrecyPeriod timeZone\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query IncidentPage($reference: String!) {\n    incidentByReference(reference: $reference) {\n      id reference title summary leakedItem classification jurisdiction detectedAt detectionMethod reportedBy whereSeen secrecyPeriod timeZone stage version frozenAt\n      lead { displayName }\n      myAccess { caseRole canEdit canAdvance canManageMembers canSeeOutcomes }\n      reportUpward { required deadline notifiedAt met }\n      clocks { definition { id start amount unit basis } status startedAt dueAt stoppedAt extended calendarGap canExtend\n        extensions { id amount reason at by { displayName } } }\n      nextClock { definition { id } status startedAt dueAt }\n      gate { stage met requirements { id description met task { id done title } } }\n      tasks { id title stage done required }\n      transitions { id from to kind at note by { displayName } }\n      reviews { decision comments reviewedAt snapshotSha256 reviewer { displayName } }\n    }\n  }\n"): (typeof documents)["\n  query IncidentPage($reference: String!) {\n    incidentByReference(reference: $reference) {\n      id reference title summary leakedItem classification jurisdiction detectedAt detectionMethod reportedBy whereSeen secrecyPeriod timeZone stage version frozenAt\n      lead { displayName }\n      myAccess { caseRole canEdit canAdvance canManageMembers canSeeOutcomes }\n      reportUpward { required deadline notifiedAt met }\n      clocks { definition { id start amount unit basis } status startedAt dueAt stoppedAt extended calendarGap canExtend\n        extensions { id amount reason at by { displayName } } }\n      nextClock { definition { id } status startedAt dueAt }\n      gate { stage met requirements { id description met task { id done title } } }\n      tasks { id title stage done required }\n      transitions { id from to kind at note by { displayName } }\n      reviews { decision comments reviewedAt snapshotSha256 reviewer { displayName } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Advance($id: ID!, $to: Stage!, $note: String, $version: Int) {\n    advanceIncident(id: $id, to: $to, note: $note, expectedVersion: $version) { id stage version }\n  }\n"): (typeof documents)["\n  mutation Advance($id: ID!, $to: Stage!, $note: String, $version: Int) {\n    advanceIncident(id: $id, to: $to, note: $note, expectedVersion: $version) { id stage version }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription IncidentChanged($id: ID!) { incidentChanged(id: $id) { incidentId action } }\n"): (typeof documents)["\n  subscription IncidentChanged($id: ID!) { incidentChanged(id: $id) { incidentId action } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CompleteTask($id: ID!, $done: Boolean) { completeTask(id: $id, done: $done) { id done } }\n"): (typeof documents)["\n  mutation CompleteTask($id: ID!, $done: Boolean) { completeTask(id: $id, done: $done) { id done } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query IssuedReports($id: ID!) {\n    incident(id: $id) {\n      id\n      notifications { id authority notifiedAt reference }\n      issuedReports { id kind language format sha256 issuedAt issuedBy { displayName } notification { id authority reference } evidence { id fileName } }\n    }\n  }\n"): (typeof documents)["\n  query IssuedReports($id: ID!) {\n    incident(id: $id) {\n      id\n      notifications { id authority notifiedAt reference }\n      issuedReports { id kind language format sha256 issuedAt issuedBy { displayName } notification { id authority reference } evidence { id fileName } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation IssueReport($id: ID!, $input: IssueReportInput!) { issueReport(incidentId: $id, input: $input) { id } }"): (typeof documents)["mutation IssueReport($id: ID!, $input: IssueReportInput!) { issueReport(incidentId: $id, input: $input) { id } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation IssuedReportLink($id: ID!, $purpose: String!, $tz: String) {\n  evidenceLink(evidenceId: $id, purpose: $purpose, view: false, timeZone: $tz) { url } }"): (typeof documents)["mutation IssuedReportLink($id: ID!, $purpose: String!, $tz: String) {\n  evidenceLink(evidenceId: $id, purpose: $purpose, view: false, timeZone: $tz) { url } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ChatImportFields on ChatImport {\n    id format timeZone platform state bytesRead bytesTotal messages duplicates moreProblems failureReason failureMessage\n    evidence { id }\n    problems { line offset reason detail raw }\n    media { id fileName }\n  }\n"): (typeof documents)["\n  fragment ChatImportFields on ChatImport {\n    id format timeZone platform state bytesRead bytesTotal messages duplicates moreProblems failureReason failureMessage\n    evidence { id }\n    problems { line offset reason detail raw }\n    media { id fileName }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ChatImports($id: ID!) { incident(id: $id) { id chatImports { ...ChatImportFields } } }\n"): (typeof documents)["\n  query ChatImports($id: ID!) { incident(id: $id) { id chatImports { ...ChatImportFields } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReadChatExport($evidenceId: ID!, $input: ChatImportInput) { readChatExport(evidenceId: $evidenceId, input: $input) { ...ChatImportFields } }\n"): (typeof documents)["\n  mutation ReadChatExport($evidenceId: ID!, $input: ChatImportInput) { readChatExport(evidenceId: $evidenceId, input: $input) { ...ChatImportFields } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MarkLeak($incidentId: ID!, $input: LeakMarkInput!) { markLeak(incidentId: $incidentId, input: $input) { id kind } }\n"): (typeof documents)["\n  mutation MarkLeak($incidentId: ID!, $input: LeakMarkInput!) { markLeak(incidentId: $incidentId, input: $input) { id kind } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ChatMessageFields on ChatMessage {\n    id at kind text forwardedFrom quote members\n    chat { id name platform direct }\n    sender { id name handles }\n    media { name md5 omitted evidence { id fileName } }\n    items { sender at text }\n    sources { line offset raw evidence { id fileName } }\n    forwards { id key at from { name } to { name } }\n  }\n"): (typeof documents)["\n  fragment ChatMessageFields on ChatMessage {\n    id at kind text forwardedFrom quote members\n    chat { id name platform direct }\n    sender { id name handles }\n    media { name md5 omitted evidence { id fileName } }\n    items { sender at text }\n    sources { line offset raw evidence { id fileName } }\n    forwards { id key at from { name } to { name } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ChatFilters($id: ID!) {\n    incident(id: $id) {\n      id\n      chats { id name platform direct messageCount memberCount }\n      chatSenders { id name platform handles }\n      chatImports { id state evidence { id fileName } }\n    }\n  }\n"): (typeof documents)["\n  query ChatFilters($id: ID!) {\n    incident(id: $id) {\n      id\n      chats { id name platform direct messageCount memberCount }\n      chatSenders { id name platform handles }\n      chatImports { id state evidence { id fileName } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Messages($id: ID!, $filter: MessageFilter, $first: Int, $after: String) {\n    incident(id: $id) { id messages(filter: $filter, first: $first, after: $after) { total next messages { ...ChatMessageFields } } }\n  }\n"): (typeof documents)["\n  query Messages($id: ID!, $filter: MessageFilter, $first: Int, $after: String) {\n    incident(id: $id) { id messages(filter: $filter, first: $first, after: $after) { total next messages { ...ChatMessageFields } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query LeakAndSightings($id: ID!) {\n    incident(id: $id) {\n      id\n      leakMarks { id kind text sha256 md5 imageHashed documentNumbers createdAt evidence { id fileName } message { id text chat { name } } }\n      sightings { kind score detail item message { id at text chat { name } sender { name } sources { line evidence { id fileName } } } }\n    }\n  }\n"): (typeof documents)["\n  query LeakAndSightings($id: ID!) {\n    incident(id: $id) {\n      id\n      leakMarks { id kind text sha256 md5 imageHashed documentNumbers createdAt evidence { id fileName } message { id text chat { name } } }\n      sightings { kind score detail item message { id at text chat { name } sender { name } sources { line evidence { id fileName } } } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation UnmarkLeak($id: ID!) { unmarkLeak(id: $id) }"): (typeof documents)["mutation UnmarkLeak($id: ID!) { unmarkLeak(id: $id) }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation IdentifyChatSender($id: ID!, $name: String!) { identifyChatSender(id: $id, name: $name) { id name handles } }"): (typeof documents)["mutation IdentifyChatSender($id: ID!, $name: String!) { identifyChatSender(id: $id, name: $name) { id name handles } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation IdentifyChat($id: ID!, $name: String!) { identifyChat(id: $id, name: $name) { id name } }"): (typeof documents)["mutation IdentifyChat($id: ID!, $name: String!) { identifyChat(id: $id, name: $name) { id name } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ProposalNodeFields on ProposalNode { key kind name platform memberCount }\n"): (typeof documents)["\n  fragment ProposalNodeFields on ProposalNode { key kind name platform memberCount }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ProposalFields on ForwardProposal {\n    id key state at method confidence reason fromName earlierAt originAt candidates rejectReason decidedAt\n    from { ...ProposalNodeFields } to { ...ProposalNodeFields } by { ...ProposalNodeFields }\n    sources { line evidence { id fileName } message { id } }\n    forward { id key evidenced sources { line evidence { id fileName } } }\n    decidedBy { displayName }\n  }\n"): (typeof documents)["\n  fragment ProposalFields on ForwardProposal {\n    id key state at method confidence reason fromName earlierAt originAt candidates rejectReason decidedAt\n    from { ...ProposalNodeFields } to { ...ProposalNodeFields } by { ...ProposalNodeFields }\n    sources { line evidence { id fileName } message { id } }\n    forward { id key evidenced sources { line evidence { id fileName } } }\n    decidedBy { displayName }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Proposals($id: ID!) { incident(id: $id) { id proposals { ...ProposalFields } } }\n"): (typeof documents)["\n  query Proposals($id: ID!) { incident(id: $id) { id proposals { ...ProposalFields } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReconstructChain($id: ID!) { reconstructChain(incidentId: $id) { sightings proposals { id } } }\n"): (typeof documents)["\n  mutation ReconstructChain($id: ID!) { reconstructChain(incidentId: $id) { sightings proposals { id } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AcceptProposal($id: ID!, $edit: ProposalEdit) { acceptProposal(id: $id, edit: $edit) { id state } }\n"): (typeof documents)["\n  mutation AcceptProposal($id: ID!, $edit: ProposalEdit) { acceptProposal(id: $id, edit: $edit) { id state } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AcceptProposals($id: ID!, $min: Float!) { acceptProposals(incidentId: $id, minConfidence: $min) { id state } }\n"): (typeof documents)["\n  mutation AcceptProposals($id: ID!, $min: Float!) { acceptProposals(incidentId: $id, minConfidence: $min) { id state } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RejectProposal($id: ID!, $reason: String!) { rejectProposal(id: $id, reason: $reason) { id state rejectReason } }\n"): (typeof documents)["\n  mutation RejectProposal($id: ID!, $reason: String!) { rejectProposal(id: $id, reason: $reason) { id state rejectReason } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ExtendClock($incidentId: ID!, $clockId: String!, $amount: Int!, $reason: String!) {\n    extendClock(incidentId: $incidentId, clockId: $clockId, amount: $amount, reason: $reason) { status dueAt extended }\n  }\n"): (typeof documents)["\n  mutation ExtendClock($incidentId: ID!, $clockId: String!, $amount: Int!, $reason: String!) {\n    extendClock(incidentId: $incidentId, clockId: $clockId, amount: $amount, reason: $reason) { status dueAt extended }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StartClock($incidentId: ID!, $clockId: String!) { startClock(incidentId: $incidentId, clockId: $clockId) { status startedAt dueAt } }\n"): (typeof documents)["\n  mutation StartClock($incidentId: ID!, $clockId: String!) { startClock(incidentId: $incidentId, clockId: $clockId) { status startedAt dueAt } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StopClock($incidentId: ID!, $clockId: String!) { stopClock(incidentId: $incidentId, clockId: $clockId) { status stoppedAt } }\n"): (typeof documents)["\n  mutation StopClock($incidentId: ID!, $clockId: String!) { stopClock(incidentId: $incidentId, clockId: $clockId) { status stoppedAt } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Evidence($id: ID!) {\n    incident(id: $id) {\n      id\n      evidence {\n        id fileName sha256 size contentType uploadedAt timeZone legalHold fixity capturedAt device\n        uploadedBy { displayName }\n        duplicateOf { id }\n        acquisition { from where how at timeZone by }\n        custody { action actor { displayName } actorName at timeZone purpose sha256 transferredTo collectedFrom }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Evidence($id: ID!) {\n    incident(id: $id) {\n      id\n      evidence {\n        id fileName sha256 size contentType uploadedAt timeZone legalHold fixity capturedAt device\n        uploadedBy { displayName }\n        duplicateOf { id }\n        acquisition { from where how at timeZone by }\n        custody { action actor { displayName } actorName at timeZone purpose sha256 transferredTo collectedFrom }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query EvidenceMe { me { id displayName } }"): (typeof documents)["query EvidenceMe { me { id displayName } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation BeginUpload($id: ID!, $input: EvidenceInput!) { beginEvidenceUpload(incidentId: $id, input: $input) { id uploadUrl maxSize } }\n"): (typeof documents)["\n  mutation BeginUpload($id: ID!, $input: EvidenceInput!) { beginEvidenceUpload(incidentId: $id, input: $input) { id uploadUrl maxSize } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation EvidenceLink($id: ID!, $purpose: String!, $view: Boolean, $tz: String) {\n    evidenceLink(evidenceId: $id, purpose: $purpose, view: $view, timeZone: $tz) { url }\n  }\n"): (typeof documents)["\n  mutation EvidenceLink($id: ID!, $purpose: String!, $view: Boolean, $tz: String) {\n    evidenceLink(evidenceId: $id, purpose: $purpose, view: $view, timeZone: $tz) { url }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation LegalHold($id: ID!, $on: Boolean!, $purpose: String!, $tz: String) {\n    setLegalHold(evidenceId: $id, on: $on, purpose: $purpose, timeZone: $tz) { id legalHold }\n  }\n"): (typeof documents)["\n  mutation LegalHold($id: ID!, $on: Boolean!, $purpose: String!, $tz: String) {\n    setLegalHold(evidenceId: $id, on: $on, purpose: $purpose, timeZone: $tz) { id legalHold }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RecordCustody($id: ID!, $input: CustodyInput!) { recordCustody(evidenceId: $id, input: $input) { action } }\n"): (typeof documents)["\n  mutation RecordCustody($id: ID!, $input: CustodyInput!) { recordCustody(evidenceId: $id, input: $input) { action } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation VerifyEvidence($id: ID!) { verifyEvidence(incidentId: $id) {\n    checked ok mismatched missing problems { fixity evidence { fileName } }\n  } }\n"): (typeof documents)["\n  mutation VerifyEvidence($id: ID!) { verifyEvidence(incidentId: $id) {\n    checked ok mismatched missing problems { fixity evidence { fileName } }\n  } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Incidents($after: String, $filter: IncidentFilter) {\n    incidents(first: 50, after: $after, filter: $filter) {\n      totalCount pageInfo { hasNextPage endCursor }\n      edges { node { id reference title stage classification jurisdiction detectedAt frozenAt lead { displayName }\n        reportUpward { required deadline notifiedAt } nextClock { definition { id } status startedAt dueAt } counts { tasks openTasks evidence forwards } } }\n    }\n  }\n"): (typeof documents)["\n  query Incidents($after: String, $filter: IncidentFilter) {\n    incidents(first: 50, after: $after, filter: $filter) {\n      totalCount pageInfo { hasNextPage endCursor }\n      edges { node { id reference title stage classification jurisdiction detectedAt frozenAt lead { displayName }\n        reportUpward { required deadline notifiedAt } nextClock { definition { id } status startedAt dueAt } counts { tasks openTasks evidence forwards } } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation OpenIncident($input: OpenIncidentInput!) { openIncident(input: $input) { id reference } }\n"): (typeof documents)["\n  mutation OpenIncident($input: OpenIncidentInput!) { openIncident(input: $input) { id reference } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Statistics($from: Time, $to: Time, $unit: String) {\n    statistics(from: $from, to: $to, unit: $unit) {\n      incidents reportUpwardRequired reportUpwardMet reportUpwardMetRate overdueMeasures\n      byStage { key count } byRootCause { key count } byPlatform { key count } byClassification { key count }\n      outcomesByType { key count }\n      timeInStage { key samples medianHours p90Hours }\n      detectionToContainment { samples medianHours p90Hours }\n      clockRates { clock { id } met late overdue running rate }\n    }\n    incidents(first: 100, filter: { stages: [CLOSED] }) { edges { node { id reference title frozenAt } } }\n  }\n"): (typeof documents)["\n  query Statistics($from: Time, $to: Time, $unit: String) {\n    statistics(from: $from, to: $to, unit: $unit) {\n      incidents reportUpwardRequired reportUpwardMet reportUpwardMetRate overdueMeasures\n      byStage { key count } byRootCause { key count } byPlatform { key count } byClassification { key count }\n      outcomesByType { key count }\n      timeInStage { key samples medianHours p90Hours }\n      detectionToContainment { samples medianHours p90Hours }\n      clockRates { clock { id } met late overdue running rate }\n    }\n    incidents(first: 100, filter: { stages: [CLOSED] }) { edges { node { id reference title frozenAt } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Review($id: ID!, $decision: ReviewDecision!, $comments: String, $returnTo: Stage) {\n    reviewIncident(incidentId: $id, decision: $decision, comments: $comments, returnTo: $returnTo) { id snapshotSha256 }\n  }\n"): (typeof documents)["\n  mutation Review($id: ID!, $decision: ReviewDecision!, $comments: String, $returnTo: Stage) {\n    reviewIncident(incidentId: $id, decision: $decision, comments: $comments, returnTo: $returnTo) { id snapshotSha256 }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query NoticeSettings { noticeSettings { email quietFrom quietTo timeZone subscriptions { kind channels own } } }\n"): (typeof documents)["\n  query NoticeSettings { noticeSettings { email quietFrom quietTo timeZone subscriptions { kind channels own } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateNoticeSettings($input: NoticeSettingsInput!) {\n    updateNoticeSettings(input: $input) { email quietFrom quietTo timeZone subscriptions { kind channels own } }\n  }\n"): (typeof documents)["\n  mutation UpdateNoticeSettings($input: NoticeSettingsInput!) {\n    updateNoticeSettings(input: $input) { email quietFrom quietTo timeZone subscriptions { kind channels own } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Notices($first: Int, $after: String) {\n    notices(first: $first, after: $after) {\n      unread hasNextPage endCursor\n      edges { id kind reference at readAt data { key value } incident { id } }\n    }\n  }\n"): (typeof documents)["\n  query Notices($first: Int, $after: String) {\n    notices(first: $first, after: $after) {\n      unread hasNextPage endCursor\n      edges { id kind reference at readAt data { key value } incident { id } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation MarkNoticesRead($ids: [ID!]) { markNoticesRead(ids: $ids) }"): (typeof documents)["mutation MarkNoticesRead($ids: [ID!]) { markNoticesRead(ids: $ids) }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "subscription NoticesChanged { noticesChanged }"): (typeof documents)["subscription NoticesChanged { noticesChanged }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Responsibility($id: ID!) {\n    users { id displayName }\n    incident(id: $id) {\n      id version noResponsibleReason legalBasisPresets\n      responsibilityCandidates { node { key name } reasons }\n      findings {\n        id personName unit position kind facts noOutcomeReason\n        outcomes { id category type status nextStatuses decidingBody decidedOn legalBasis history { to note at by { displayName } } }\n      }\n      measures { id title dueOn status overdue owner { id displayName } }\n    }\n  }\n"): (typeof documents)["\n  query Responsibility($id: ID!) {\n    users { id displayName }\n    incident(id: $id) {\n      id version noResponsibleReason legalBasisPresets\n      responsibilityCandidates { node { key name } reasons }\n      findings {\n        id personName unit position kind facts noOutcomeReason\n        outcomes { id category type status nextStatuses decidingBody decidedOn legalBasis history { to note at by { displayName } } }\n      }\n      measures { id title dueOn status overdue owner { id displayName } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation RecordFinding($id: ID!, $input: FindingInput!) { recordFinding(incidentId: $id, input: $input) { id } }"): (typeof documents)["mutation RecordFinding($id: ID!, $input: FindingInput!) { recordFinding(incidentId: $id, input: $input) { id } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ProposeOutcome($id: ID!, $input: OutcomeInput!) { proposeOutcome(findingId: $id, input: $input) { id } }"): (typeof documents)["mutation ProposeOutcome($id: ID!, $input: OutcomeInput!) { proposeOutcome(findingId: $id, input: $input) { id } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation MoveOutcome($id: ID!, $status: OutcomeStatus!, $decidedOn: Date, $note: String) {\n  setOutcomeStatus(id: $id, status: $status, decidedOn: $decidedOn, note: $note) { id status } }"): (typeof documents)["mutation MoveOutcome($id: ID!, $status: OutcomeStatus!, $decidedOn: Date, $note: String) {\n  setOutcomeStatus(id: $id, status: $status, decidedOn: $decidedOn, note: $note) { id status } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation UpdateMeasure($id: ID!, $input: MeasureInput!) { updateMeasure(id: $id, input: $input) { id status overdue } }"): (typeof documents)["mutation UpdateMeasure($id: ID!, $input: MeasureInput!) { updateMeasure(id: $id, input: $input) { id status overdue } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation SetNoResponsible($id: ID!, $v: Int!, $reason: String!) {\n  updateIncident(id: $id, expectedVersion: $v, input: { noResponsibleReason: $reason }) { id version noResponsibleReason } }"): (typeof documents)["mutation SetNoResponsible($id: ID!, $v: Int!, $reason: String!) {\n  updateIncident(id: $id, expectedVersion: $v, input: { noResponsibleReason: $reason }) { id version noResponsibleReason } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation AddMeasure($id: ID!, $input: MeasureInput!) { recordMeasure(incidentId: $id, input: $input) { id } }"): (typeof documents)["mutation AddMeasure($id: ID!, $input: MeasureInput!) { recordMeasure(incidentId: $id, input: $input) { id } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ChangeMyPassword($current: String!, $password: String!) {\n  changeMyPassword(currentPassword: $current, password: $password) }"): (typeof documents)["mutation ChangeMyPassword($current: String!, $password: String!) {\n  changeMyPassword(currentPassword: $current, password: $password) }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Login($username: String!, $password: String!) {\n    login(username: $username, password: $password) { user { id username displayName roles locale } }\n  }\n"): (typeof documents)["\n  mutation Login($username: String!, $password: String!) {\n    login(username: $username, password: $password) { user { id username displayName roles locale } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RecordForward($id: ID!, $f: [ForwardInput!]!) { recordForwards(incidentId: $id, forwards: $f) { id } }\n"): (typeof documents)["\n  mutation RecordForward($id: ID!, $f: [ForwardInput!]!) { recordForwards(incidentId: $id, forwards: $f) { id } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SpreadSummary($id: ID!) {\n    incident(id: $id) {\n      id\n      spread {\n        depth reachedNodes estimatedAudience forwardCount frontierCount warningCount\n        origins { key name }\n        firstExternal { key to { key name } }\n        firstPublic { key to { key name } }\n        frontier(first: 20) { key name kind exposure memberCount containment { status } }\n        warnings(first: 20) { kind forwardKeys nodeKeys }\n      }\n    }\n  }\n"): (typeof documents)["\n  query SpreadSummary($id: ID!) {\n    incident(id: $id) {\n      id\n      spread {\n        depth reachedNodes estimatedAudience forwardCount frontierCount warningCount\n        origins { key name }\n        firstExternal { key to { key name } }\n        firstPublic { key to { key name } }\n        frontier(first: 20) { key name kind exposure memberCount containment { status } }\n        warnings(first: 20) { kind forwardKeys nodeKeys }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ForwardSources($id: ID!) {\n    incident(id: $id) { id spread { forwards(first: 1000) { key evidenced sources { line evidence { id fileName } } } } }\n  }\n"): (typeof documents)["\n  query ForwardSources($id: ID!) {\n    incident(id: $id) { id spread { forwards(first: 1000) { key evidenced sources { line evidence { id fileName } } } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SpreadPath($id: ID!, $key: String!) { incident(id: $id) { id spread { pathTo(nodeKey: $key) { key at method from { name } to { name } by { name } } } } }\n"): (typeof documents)["\n  query SpreadPath($id: ID!, $key: String!) { incident(id: $id) { id spread { pathTo(nodeKey: $key) { key at method from { name } to { name } by { name } } } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateNode($id: ID!, $input: NodePatch!) { updateNode(id: $id, input: $input) { id name exposure memberCount } }\n"): (typeof documents)["\n  mutation UpdateNode($id: ID!, $input: NodePatch!) { updateNode(id: $id, input: $input) { id name exposure memberCount } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetNodeContainment($id: ID!, $input: ContainmentInput!) { setNodeContainment(nodeId: $id, input: $input) { id containment { status } } }\n"): (typeof documents)["\n  mutation SetNodeContainment($id: ID!, $input: ContainmentInput!) { setNodeContainment(nodeId: $id, input: $input) { id containment { status } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateForward($id: ID!, $input: ForwardPatch!) { updateForward(id: $id, input: $input) { id at method confidence note } }\n"): (typeof documents)["\n  mutation UpdateForward($id: ID!, $input: ForwardPatch!) { updateForward(id: $id, input: $input) { id at method confidence note } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteForward($id: ID!) { deleteForward(id: $id) }\n"): (typeof documents)["\n  mutation DeleteForward($id: ID!) { deleteForward(id: $id) }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;