package discipline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/leaktrail/leaktrail/apperr"
	"github.com/leaktrail/leaktrail/audit"
	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/incident"
	"github.com/leaktrail/leaktrail/internal/text"
)

// Languages are the languages reports are written in.
var Languages = []string{"zh-CN", "zh-TW", "en"}

// words are the report's labels and enum names, by language. A key missing
// from a language falls back to English, then to the key itself.
var words = map[string]map[string]string{
	"en": {
		"report": "Case report", "summary": "Summary", "timeline": "Stages", "chain": "Spread chain",
		"evidence": "Evidence manifest", "findings": "Responsibility findings and disciplinary outcomes",
		"measures": "Recurrence-prevention measures", "classification": "Classification", "detectedAt": "Detected",
		"detectionMethod": "Detected by", "reportedBy": "Reported by", "whereSeen": "Where seen", "rootCause": "Root cause",
		"stage": "Stage", "reachedOutside": "Reached outside", "disclosure": "Disclosure decision", "yes": "yes", "no": "no",
		"forwards": "Forwards recorded", "depth": "Depth (hops)", "reached": "People and venues reached",
		"audience": "Estimated audience", "origins": "Origins", "pathToExternal": "Path to the first external exposure",
		"noExternal": "The item did not reach outside the organisation.", "file": "File", "size": "Size (bytes)",
		"sameAs": "same content as", "person": "Person", "kind": "Responsibility", "facts": "Facts relied on",
		"noOutcomeReason": "Why no outcome applies", "outcomes": "Outcomes", "outcomesHidden": "Outcomes are shown only to the outcomes tier.",
		"none": "none", "noResponsible": "No one is held responsible", "title": "Measure", "owner": "Owner", "due": "Due", "status": "Status", "from": "from", "to": "to",
		"by": "by", "decidedOn": "decided", "legalBasis": "legal basis", "generated": "Generated", "hashNote": "The SHA-256 of this report is recorded in the audit log.",
		"TOP_SECRET": "top secret", "SECRET": "secret", "CONFIDENTIAL": "confidential", "WORK_SECRET": "work secret",
		"COMMERCIAL_SECRET": "commercial secret", "PERSONAL_DATA": "personal data", "UNCLASSIFIED": "unclassified",
		"SELF_REPORT": "self-report", "COLLEAGUE_REPORT": "internal report by a colleague", "AUDIT_INSPECTION": "audit or inspection",
		"EXTERNAL_TIP": "external tip", "MONITORING": "monitoring", "AUTHORITY_NOTICE": "notice from an authority",
		"URGENT_RELAY": "urgent relay", "REPORTING_TO_SUPERIOR": "reporting to a superior", "LEADER_INSTRUCTION": "leader's instruction",
		"MIS_SEND": "mis-click or mis-send", "MULTIPLE": "several combined", "CONVENIENCE": "convenience",
		"THIRD_PARTY_APP": "third-party app or mini-program", "ACCOUNT_COMPROMISE": "account compromise or phishing",
		"INSIDER_INTENT": "insider intent", "DISCLOSE": "disclose", "NOT_DISCLOSE": "do not disclose",
		"DETECT": "Detect", "INITIAL_RESPONSE": "Initial response", "INVESTIGATION": "Investigation", "DISCLOSURE": "Disclosure",
		"RECOVERY": "Recovery", "CLOSED": "Closed",
		"DIRECT": "direct", "LEADERSHIP": "leadership", "SUPERVISORY": "supervisory", "OTHER": "other",
		"PROPOSED": "proposed", "DECIDED": "decided", "APPEALED": "appealed", "FINAL": "final", "REVOKED": "revoked",
		"OPEN": "open", "IN_PROGRESS": "in progress", "DONE": "done", "DROPPED": "dropped",
		"ADMIN_WARNING": "warning", "ADMIN_DEMERIT": "demerit", "ADMIN_MAJOR_DEMERIT": "major demerit", "ADMIN_DEMOTION": "demotion",
		"ADMIN_REMOVAL_FROM_POST": "removal from post", "ADMIN_DISMISSAL": "dismissal", "PARTY_WARNING": "party warning",
		"PARTY_SERIOUS_WARNING": "serious party warning", "PARTY_REMOVAL_FROM_POST": "removal from party post",
		"PARTY_PROBATION": "party probation", "PARTY_EXPULSION": "expulsion from the party", "ORG_ADMONISHMENT_TALK": "admonishment talk",
		"ORG_REMINDER_TALK": "reminder talk", "ORG_WRITTEN_SELF_CRITICISM": "ordered written self-criticism",
		"ORG_CIRCULATED_CRITICISM": "circulated criticism", "ORG_CRITICISM_AND_EDUCATION": "criticism and education",
		"ORG_SUSPENSION_FOR_INSPECTION": "suspension for inspection", "ORG_TRANSFER_FROM_POST": "transfer from post",
		"ORG_DELAYED_CONFIRMATION": "delayed confirmation", "EMPLOYMENT_DISMISSAL": "dismissal (employment)",
		"EMPLOYMENT_PAY_DEDUCTION": "pay or bonus deduction", "CRIMINAL_CASE_FILED": "case filed for review",
		"CRIMINAL_DEFERRED_PROSECUTION": "deferred prosecution", "CRIMINAL_LIABILITY": "criminal liability",
	},
	"zh-CN": {
		"report": "案件报告", "summary": "概况", "timeline": "处置阶段", "chain": "扩散链",
		"evidence": "证据清单", "findings": "责任认定与处理结果", "measures": "防止复发措施", "classification": "密级",
		"detectedAt": "发现时间", "detectionMethod": "发现方式", "reportedBy": "报告人", "whereSeen": "发现地点", "rootCause": "原因",
		"stage": "阶段", "reachedOutside": "是否外泄", "disclosure": "对外通报决定", "yes": "是", "no": "否",
		"forwards": "已记录转发", "depth": "扩散层级", "reached": "波及人员和场所", "audience": "估计受众",
		"origins": "源头", "pathToExternal": "首次外泄路径", "noExternal": "未扩散到单位以外。", "file": "文件", "size": "大小（字节）",
		"sameAs": "内容同", "person": "人员", "kind": "责任类型", "facts": "认定事实", "noOutcomeReason": "不予处理的理由",
		"outcomes": "处理结果", "outcomesHidden": "处理结果仅对有权限人员显示。", "none": "无", "noResponsible": "无人担责", "title": "措施", "owner": "负责人",
		"due": "期限", "status": "状态", "from": "从", "to": "至", "by": "经办", "decidedOn": "决定日期", "legalBasis": "依据",
		"generated": "生成时间", "hashNote": "本报告的 SHA-256 已记入审计日志。",
		"TOP_SECRET": "绝密", "SECRET": "机密", "CONFIDENTIAL": "秘密", "WORK_SECRET": "工作秘密", "COMMERCIAL_SECRET": "商业秘密",
		"PERSONAL_DATA": "个人信息", "UNCLASSIFIED": "非涉密", "SELF_REPORT": "本人报告",
		"COLLEAGUE_REPORT": "同事内部报告", "AUDIT_INSPECTION": "审计检查",
		"EXTERNAL_TIP": "外部举报", "MONITORING": "监测发现", "AUTHORITY_NOTICE": "主管部门通报", "URGENT_RELAY": "紧急传达",
		"REPORTING_TO_SUPERIOR": "汇报工作", "LEADER_INSTRUCTION": "领导交办", "MIS_SEND": "误点误传", "MULTIPLE": "多种并存",
		"CONVENIENCE": "图方便", "THIRD_PARTY_APP": "第三方应用或小程序", "ACCOUNT_COMPROMISE": "账号被盗或钓鱼",
		"INSIDER_INTENT": "内部人员故意", "DISCLOSE": "对外通报", "NOT_DISCLOSE": "不对外通报",
		"DETECT": "发现", "INITIAL_RESPONSE": "初步处置", "INVESTIGATION": "调查", "DISCLOSURE": "通报", "RECOVERY": "整改",
		"CLOSED": "结案", "DIRECT": "直接责任", "LEADERSHIP": "领导责任", "SUPERVISORY": "监管责任", "OTHER": "其他",
		"PROPOSED": "拟处理", "DECIDED": "已决定", "APPEALED": "申诉中", "FINAL": "已生效", "REVOKED": "已撤销",
		"OPEN": "未开始", "IN_PROGRESS": "进行中", "DONE": "已完成", "DROPPED": "已取消",
		"ADMIN_WARNING": "警告", "ADMIN_DEMERIT": "记过", "ADMIN_MAJOR_DEMERIT": "记大过", "ADMIN_DEMOTION": "降级",
		"ADMIN_REMOVAL_FROM_POST": "撤职", "ADMIN_DISMISSAL": "开除", "PARTY_WARNING": "党内警告", "PARTY_SERIOUS_WARNING": "党内严重警告",
		"PARTY_REMOVAL_FROM_POST": "撤销党内职务", "PARTY_PROBATION": "留党察看", "PARTY_EXPULSION": "开除党籍",
		"ORG_ADMONISHMENT_TALK": "诫勉谈话", "ORG_REMINDER_TALK": "约谈提醒", "ORG_WRITTEN_SELF_CRITICISM": "责令书面检查",
		"ORG_CIRCULATED_CRITICISM": "通报批评", "ORG_CRITICISM_AND_EDUCATION": "批评教育", "ORG_SUSPENSION_FOR_INSPECTION": "停职检查",
		"ORG_TRANSFER_FROM_POST": "调离岗位", "ORG_DELAYED_CONFIRMATION": "延期转正", "EMPLOYMENT_DISMISSAL": "辞退",
		"EMPLOYMENT_PAY_DEDUCTION": "扣薪或扣除绩效", "CRIMINAL_CASE_FILED": "立案审查", "CRIMINAL_DEFERRED_PROSECUTION": "缓起诉",
		"CRIMINAL_LIABILITY": "追究刑事责任",
	},
	"zh-TW": {
		"report": "案件報告", "summary": "概況", "timeline": "處置階段", "chain": "擴散鏈",
		"evidence": "證據清單", "findings": "責任認定與處理結果", "measures": "防止復發措施", "classification": "密等",
		"detectedAt": "發現時間", "detectionMethod": "發現方式", "reportedBy": "報告人", "whereSeen": "發現地點", "rootCause": "原因",
		"stage": "階段", "reachedOutside": "是否外洩", "disclosure": "對外通報決定", "yes": "是", "no": "否",
		"forwards": "已記錄轉傳", "depth": "擴散層級", "reached": "波及人員與場所", "audience": "估計受眾",
		"origins": "源頭", "pathToExternal": "首次外洩路徑", "noExternal": "未擴散至單位以外。", "file": "檔案", "size": "大小（位元組）",
		"sameAs": "內容同", "person": "人員", "kind": "責任類型", "facts": "認定事實", "noOutcomeReason": "不予處理的理由",
		"outcomes": "處理結果", "outcomesHidden": "處理結果僅對有權限人員顯示。", "none": "無", "noResponsible": "無人擔責", "title": "措施", "owner": "負責人",
		"due": "期限", "status": "狀態", "from": "從", "to": "至", "by": "經辦", "decidedOn": "決定日期", "legalBasis": "依據",
		"generated": "產生時間", "hashNote": "本報告的 SHA-256 已記入稽核日誌。",
		"TOP_SECRET": "絕對機密", "SECRET": "極機密", "CONFIDENTIAL": "機密", "WORK_SECRET": "工作秘密", "COMMERCIAL_SECRET": "營業秘密",
		"PERSONAL_DATA": "個人資料", "UNCLASSIFIED": "非機密", "SELF_REPORT": "本人報告",
		"COLLEAGUE_REPORT": "同事內部通報", "AUDIT_INSPECTION": "稽核檢查",
		"EXTERNAL_TIP": "外部檢舉", "MONITORING": "監測發現", "AUTHORITY_NOTICE": "主管機關通報", "URGENT_RELAY": "緊急傳達",
		"REPORTING_TO_SUPERIOR": "向上級報告", "LEADER_INSTRUCTION": "長官交辦", "MIS_SEND": "誤點誤傳", "MULTIPLE": "多種並存",
		"CONVENIENCE": "貪圖方便", "THIRD_PARTY_APP": "第三方應用程式或小程式", "ACCOUNT_COMPROMISE": "帳號遭盜或釣魚",
		"INSIDER_INTENT": "內部人員故意", "DISCLOSE": "對外通報", "NOT_DISCLOSE": "不對外通報",
		"DETECT": "發現", "INITIAL_RESPONSE": "初步處置", "INVESTIGATION": "調查", "DISCLOSURE": "通報", "RECOVERY": "改善",
		"CLOSED": "結案", "DIRECT": "直接責任", "LEADERSHIP": "領導責任", "SUPERVISORY": "監督責任", "OTHER": "其他",
		"PROPOSED": "擬處理", "DECIDED": "已決定", "APPEALED": "申訴中", "FINAL": "已確定", "REVOKED": "已撤銷",
		"OPEN": "未開始", "IN_PROGRESS": "進行中", "DONE": "已完成", "DROPPED": "已取消",
		"ADMIN_WARNING": "警告", "ADMIN_DEMERIT": "記過", "ADMIN_MAJOR_DEMERIT": "記大過", "ADMIN_DEMOTION": "降級",
		"ADMIN_REMOVAL_FROM_POST": "撤職", "ADMIN_DISMISSAL": "開除", "PARTY_WARNING": "黨內警告", "PARTY_SERIOUS_WARNING": "黨內嚴重警告",
		"PARTY_REMOVAL_FROM_POST": "撤銷黨內職務", "PARTY_PROBATION": "留黨察看", "PARTY_EXPULSION": "開除黨籍",
		"ORG_ADMONISHMENT_TALK": "誡勉談話", "ORG_REMINDER_TALK": "約談提醒", "ORG_WRITTEN_SELF_CRITICISM": "責令書面檢討",
		"ORG_CIRCULATED_CRITICISM": "通報批評", "ORG_CRITICISM_AND_EDUCATION": "批評教育", "ORG_SUSPENSION_FOR_INSPECTION": "停職檢查",
		"ORG_TRANSFER_FROM_POST": "調離職務", "ORG_DELAYED_CONFIRMATION": "延期轉正", "EMPLOYMENT_DISMISSAL": "解僱",
		"EMPLOYMENT_PAY_DEDUCTION": "扣薪或扣除績效", "CRIMINAL_CASE_FILED": "立案審查", "CRIMINAL_DEFERRED_PROSECUTION": "緩起訴",
		"CRIMINAL_LIABILITY": "追究刑事責任",
	},
}

// word is a label or enum name in a language.
func word(lang, key string) string {
	if w, ok := words[lang][key]; ok {
		return w
	}
	if w, ok := words["en"][key]; ok {
		return w
	}
	return key
}

// LanguageOf returns lang when it is one of Languages, else the user's, else zh-CN.
func LanguageOf(lang string, u auth.User) (string, error) {
	for _, l := range Languages {
		if l == lang {
			return l, nil
		}
	}
	if lang != "" {
		return "", apperr.Invalid("language", "reports are written in zh-CN, zh-TW or en")
	}
	for _, l := range Languages {
		if l == u.Locale {
			return l, nil
		}
	}
	return "zh-CN", nil
}

// Report is a readable report of one case in Markdown, with its SHA-256,
// which is recorded in the audit log as the report is handed out.
func (s *Service) Report(ctx context.Context, incidentID uuid.UUID, lang string) (markdown, hash, language string, err error) {
	md, _, lang, err := s.report(ctx, incidentID, lang)
	if err != nil {
		return "", "", "", err
	}
	hash, err = s.logReport(ctx, incidentID, "markdown", lang, []byte(md))
	return md, hash, lang, err
}

// ReportPDF is the same report as a PDF with its font embedded, and the PDF's SHA-256, which is logged.
func (s *Service) ReportPDF(ctx context.Context, incidentID uuid.UUID, lang string) (pdf []byte, hash, language string, err error) {
	md, title, lang, err := s.report(ctx, incidentID, lang)
	if err != nil {
		return nil, "", "", err
	}
	if pdf, err = RenderPDF(md, title); err != nil {
		return nil, "", "", err
	}
	hash, err = s.logReport(ctx, incidentID, "pdf", lang, pdf)
	return pdf, hash, lang, err
}

// report writes the case report in Markdown, in lang or the caller's language.
func (s *Service) report(ctx context.Context, incidentID uuid.UUID, lang string) (markdown, title, language string, err error) {
	actor, err := auth.Require(ctx)
	if err != nil {
		return "", "", "", err
	}
	inc, err := s.allowed(ctx, incidentID, incident.PermRead)
	if err != nil {
		return "", "", "", err
	}
	if lang, err = LanguageOf(lang, actor); err != nil {
		return "", "", "", err
	}
	cf, err := s.CaseFile(ctx, *inc)
	if err != nil {
		return "", "", "", err
	}
	seeOutcomes, err := s.CanSeeOutcomes(ctx, *inc)
	if err != nil {
		return "", "", "", err
	}
	names, err := s.Store.UserNames(ctx, s.DB, ownersOf(cf))
	if err != nil {
		return "", "", "", err
	}
	return RenderMarkdown(cf, lang, seeOutcomes, names, time.Now()), inc.Reference + " " + inc.Title, lang, nil
}

// logReport records a generated report's hash in the audit log.
func (s *Service) logReport(ctx context.Context, incidentID uuid.UUID, format, lang string, body []byte) (string, error) {
	actor, err := auth.Require(ctx)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:])
	return hash, audit.AppendNow(ctx, s.DB, audit.Entry{ActorID: &actor.ID, ActorName: actor.Username, Action: "report.generate",
		TargetType: "incident", TargetID: incidentID.String(), IncidentID: &incidentID,
		Changes: map[string]any{"format": format, "language": lang, "sha256": hash}})
}

func ownersOf(cf *CaseFile) []uuid.UUID {
	var ids []uuid.UUID
	for _, m := range cf.Measures {
		ids = append(ids, m.OwnerID)
	}
	return ids
}

// escapeMarkdown makes user text plain text in Markdown: every character
// that marks up inline (emphasis, code, links, raw HTML, entities, table
// cells, headings) is escaped with a backslash, and on each line whatever
// could start a block (a list, a quote, a heading, a setext underline, an
// indented code block) is escaped or trimmed. Line breaks are kept.
func escapeMarkdown(s string) string {
	lines := strings.Split(text.Lines(s), "\n")
	for i, line := range lines {
		line = strings.TrimLeft(line, " \t\r")
		var b strings.Builder
		for j, r := range line {
			if strings.ContainsRune("\\`*_[]<>|#~&", r) || (j == 0 && strings.ContainsRune("-+=", r)) {
				b.WriteByte('\\')
			}
			b.WriteRune(r)
		}
		line = b.String()
		if digits := len(line) - len(strings.TrimLeft(line, "0123456789")); digits > 0 && digits < len(line) &&
			(line[digits] == '.' || line[digits] == ')') {
			line = line[:digits] + "\\" + line[digits:]
		}
		lines[i] = strings.TrimRight(line, " \t\r")
	}
	return strings.Join(lines, "\n")
}

// inline is user text within one line of the report: a table cell, a list
// item, a heading.
func inline(s string) string {
	return escapeMarkdown(strings.Join(strings.Fields(s), " "))
}

// quote is user text of any length as a block quote, so that it reads as
// quoted in Markdown and in the PDF, never as part of the report's own structure.
func quote(s string) string {
	lines := strings.Split(escapeMarkdown(strings.TrimSpace(s)), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight("> "+l, " ")
	}
	return strings.Join(lines, "\n")
}

// RenderMarkdown writes a case file as a Markdown report in lang; names
// gives users' display names by id.
func RenderMarkdown(cf *CaseFile, lang string, seeOutcomes bool, names map[uuid.UUID]string, now time.Time) string {
	w := func(key string) string { return word(lang, key) }
	yesNo := func(b bool) string { return w(map[bool]string{true: "yes", false: "no"}[b]) }
	var b strings.Builder
	inc := cf.Incident
	fmt.Fprintf(&b, "# %s — %s\n\n%s · %s\n\n", w("report"), inline(inc.Title), inline(inc.Reference), w(inc.Stage))
	if inc.Summary != "" {
		fmt.Fprintf(&b, "%s\n\n", quote(inc.Summary))
	}
	fmt.Fprintf(&b, "## %s\n\n| | |\n|---|---|\n", w("summary"))
	enum := func(v string) string {
		if v == "" {
			return ""
		}
		return w(v)
	}
	for _, row := range [][2]string{
		{w("classification"), enum(inc.Classification)}, {w("detectedAt"), inc.DetectedAt.Format(time.RFC3339)},
		{w("detectionMethod"), enum(inc.DetectionMethod)}, {w("reportedBy"), inc.ReportedBy}, {w("whereSeen"), inc.WhereSeen},
		{w("rootCause"), enum(inc.RootCause)}, {w("reachedOutside"), yesNo(inc.ReachedOutside)},
		{w("disclosure"), enum(inc.DisclosureDecision)},
	} {
		fmt.Fprintf(&b, "| %s | %s |\n", row[0], inline(row[1]))
	}
	fmt.Fprintf(&b, "\n## %s\n\n", w("timeline"))
	for _, t := range cf.Transitions {
		fmt.Fprintf(&b, "- %s %s → %s", t.At.Format(time.RFC3339), w(cmpOr(t.From, "—")), w(t.To))
		if t.Note != "" {
			fmt.Fprintf(&b, ": %s", inline(t.Note))
		}
		b.WriteString("\n")
	}
	c := cf.Chain
	fmt.Fprintf(&b, "\n## %s\n\n- %s: %d\n- %s: %d\n- %s: %d\n- %s: %d\n", w("chain"), w("forwards"), c.Forwards,
		w("depth"), c.Depth, w("reached"), c.ReachedNodes, w("audience"), c.EstimatedAudience)
	var origins []string
	for _, o := range c.Origins {
		origins = append(origins, inline(o.Name))
	}
	fmt.Fprintf(&b, "- %s: %s\n\n", w("origins"), cmpOr(strings.Join(origins, ", "), w("none")))
	if len(c.PathToFirstExternal) == 0 {
		fmt.Fprintf(&b, "%s\n", w("noExternal"))
	} else {
		fmt.Fprintf(&b, "%s:\n\n", w("pathToExternal"))
		for i, h := range c.PathToFirstExternal {
			fmt.Fprintf(&b, "%d. %s %s (%s, %s %s)\n", i+1, h.At.Format(time.RFC3339), inline(h.Name), inline(h.Method), w("by"), inline(h.By))
		}
	}
	fmt.Fprintf(&b, "\n## %s\n\n", w("evidence"))
	if len(cf.Evidence) == 0 {
		fmt.Fprintf(&b, "%s\n", w("none"))
	} else {
		fmt.Fprintf(&b, "| %s | SHA-256 | %s |\n|---|---|---|\n", w("file"), w("size"))
		for _, e := range cf.Evidence {
			name := inline(e.FileName)
			if e.DuplicateOf != nil {
				name += fmt.Sprintf(" (%s %s)", w("sameAs"), e.DuplicateOf)
			}
			fmt.Fprintf(&b, "| %s | `%s` | %d |\n", name, e.SHA256, e.Size)
		}
	}
	fmt.Fprintf(&b, "\n## %s\n\n", w("findings"))
	if len(cf.Findings) == 0 && cf.Incident.NoResponsibleReason != "" {
		fmt.Fprintf(&b, "%s: %s\n", w("noResponsible"), inline(cf.Incident.NoResponsibleReason))
	} else if len(cf.Findings) == 0 {
		fmt.Fprintf(&b, "%s\n", w("none"))
	}
	if !seeOutcomes && len(cf.Findings) > 0 {
		fmt.Fprintf(&b, "%s\n\n", w("outcomesHidden"))
	}
	for _, f := range cf.Findings {
		fmt.Fprintf(&b, "### %s（%s）\n\n", inline(f.PersonName), w(string(f.Kind)))
		if f.Unit != "" || f.Position != "" {
			fmt.Fprintf(&b, "%s %s\n\n", inline(f.Unit), inline(f.Position))
		}
		fmt.Fprintf(&b, "%s:\n\n%s\n\n", w("facts"), quote(f.Facts))
		if f.NoOutcomeReason != "" {
			fmt.Fprintf(&b, "%s:\n\n%s\n\n", w("noOutcomeReason"), quote(f.NoOutcomeReason))
		}
		if !seeOutcomes {
			continue
		}
		for _, o := range f.Outcomes {
			fmt.Fprintf(&b, "- %s — %s, %s", w(string(o.Type)), inline(o.DecidingBody), w(string(o.Status)))
			if o.DecidedOn != nil {
				fmt.Fprintf(&b, ", %s %s", w("decidedOn"), o.DecidedOn.Format(time.DateOnly))
			}
			if o.LegalBasis != "" {
				fmt.Fprintf(&b, ", %s: %s", w("legalBasis"), inline(o.LegalBasis))
			}
			b.WriteString("\n")
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "## %s\n\n", w("measures"))
	if len(cf.Measures) == 0 {
		fmt.Fprintf(&b, "%s\n", w("none"))
	} else {
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n|---|---|---|---|\n", w("title"), w("owner"), w("due"), w("status"))
		for _, m := range cf.Measures {
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", inline(m.Title), inline(names[m.OwnerID]), m.DueOn.Format(time.DateOnly), w(string(m.Status)))
		}
	}
	fmt.Fprintf(&b, "\n---\n%s: %s. %s\n", w("generated"), now.UTC().Format(time.RFC3339), w("hashNote"))
	return b.String()
}
