// Package demo loads a realistic example case into an empty Leaktrail, the
// multi-channel chain of DOMAIN.md (a cipher telegram faxed over an
// unclassified line, photographed, sent by MMS, posted in WeChat groups and
// finally published on an overseas website), told in our own words.
package demo

import (
	"context"
	"time"

	"github.com/leaktrail/leaktrail/incident"
	"github.com/leaktrail/leaktrail/spread"
	"github.com/leaktrail/leaktrail/workflow"
)

func str(s string) *string { return &s }

// Load opens the demo incident, walks it into INVESTIGATION and records its
// spread chain through the services, as a responder and an investigator
// would. ctx must carry the acting user.
func Load(ctx context.Context, svc *incident.Service, spreadSvc *spread.Service, now time.Time) (incident.Incident, error) {
	detected := now.Add(-52 * time.Hour).Truncate(time.Minute)
	yes := true
	inc, err := svc.Open(ctx, incident.OpenInput{
		Title:           "机要电报经普通传真机传出，照片经彩信、微信群扩散至境外网站",
		LeakedItem:      "一份机密级密码电报的手机翻拍照片（密级标志被遮盖）",
		Classification:  "SECRET",
		DetectedAt:      detected,
		DetectionMethod: "AUTHORITY_NOTICE",
		ReportedBy:      "市保密局网络监测处 王某",
		WhereSeen:       str("境外某中文新闻网站；县民政工作微信群"),
		Summary: str("县政府办工作人员宗某用非涉密传真机传送密码电报；杨某翻拍后以彩信发给张某、徐某、赵某；" +
			"张某通过微信点对点转给陶某，陶某发到民政工作群，某乡镇办公室主任再转发至其他群，最终被境外网站刊载。"),
		ReachedOutside: &yes,
	})
	if err != nil {
		return inc, err
	}
	steps := []func() error{
		func() error {
			_, err := svc.RecordContainment(ctx, inc.ID, incident.NewContainmentAction{Kind: "TAKEDOWN_REQUEST",
				Description: "要求民政工作群及相关乡镇工作群群主删除照片并截图留证", TakenAt: detected.Add(40 * time.Minute)})
			return err
		},
		func() error {
			_, err := svc.RecordContainment(ctx, inc.ID, incident.NewContainmentAction{Kind: "DEVICE_ISOLATED",
				Description: "收缴杨某、张某、陶某手机并封存", TakenAt: detected.Add(3 * time.Hour)})
			return err
		},
		func() error {
			_, err := svc.RecordNotification(ctx, inc.ID, incident.NewNotification{Authority: "CONFIDENTIALITY_BUREAU",
				NotifiedAt: detected.Add(2 * time.Hour), Reference: str("保密局值班室 李某"), Note: str("电话报告，随后书面报告")})
			return err
		},
		func() error {
			_, err := svc.RecordNotification(ctx, inc.ID, incident.NewNotification{Authority: "POLICE",
				NotifiedAt: detected.Add(5 * time.Hour), Reference: str("县公安局网安大队")})
			return err
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return inc, err
		}
	}
	for _, to := range []workflow.Stage{workflow.InitialResponse, workflow.Investigation} {
		if inc, err = svc.Advance(ctx, inc.ID, to, "", nil); err != nil {
			return inc, err
		}
	}
	cause := incident.RootCause("URGENT_RELAY")
	inc, err = svc.Update(ctx, inc.ID, inc.Version, incident.Patch{
		RootCause:          &cause,
		ScopeAndImportance: str("机密级电报全文外泄，涉及上级部署；已在境外网站公开。"),
	})
	if err != nil {
		return inc, err
	}
	if _, err := spreadSvc.RecordForwards(ctx, inc.ID, chain(detected)); err != nil {
		return inc, err
	}
	due := now.Add(48 * time.Hour).Truncate(time.Hour)
	_, err = svc.AddTask(ctx, inc.ID, incident.NewTask{Title: "调取传真机通信记录", DueAt: &due, Required: &yes})
	return inc, err
}

func person(key, name string) spread.NodeRef {
	return spread.NodeRef{Key: key, Kind: spread.Person, Name: &name}
}

func venue(key, name string, kind spread.NodeKind, exposure spread.Exposure, members int, platform spread.Platform) spread.NodeRef {
	r := spread.NodeRef{Key: key, Kind: kind, Name: &name, Exposure: &exposure, Platform: &platform}
	if members > 0 {
		r.MemberCount = &members
	}
	return r
}

// chain is the forwarding chain of the demo case, ending where the leak was detected.
func chain(detected time.Time) []*spread.ForwardInput {
	start := detected.Add(-30 * time.Hour)
	zong, yang := person("p:zong", "宗某"), person("p:yang", "杨某")
	zhang, xu, zhao, tao := person("p:zhang", "张某"), person("p:xu", "徐某"), person("p:zhao", "赵某"), person("p:tao", "陶某")
	head, unknown := person("p:township-head", "某乡镇办公室主任 张某"), person("p:unknown", "身份不明者")
	fax := venue("fax:county-office", "县政府办普通传真机", "FAX", "INTERNAL", 0, "FAX")
	work := venue("wechat-group:civil-affairs", "民政工作群", "GROUP_CHAT", "INTERNAL", 126, "WECHAT")
	townA := venue("wechat-group:township-a", "乡镇干部群", "GROUP_CHAT", "EXTERNAL", 318, "WECHAT")
	townB := venue("wechat-group:township-b", "村务联络群", "GROUP_CHAT", "EXTERNAL", 452, "WECHAT")
	site := venue("web:overseas-site", "境外某中文网站", "WEBSITE", "PUBLIC", 0, "WEB")
	hop := func(key string, after time.Duration, method spread.Method, from, to, by spread.NodeRef) *spread.ForwardInput {
		return &spread.ForwardInput{Key: key, At: start.Add(after), Method: method, From: from, To: to, By: by}
	}
	covered := hop("demo-02", 25*time.Minute, "PHOTO", fax, yang, yang)
	covered.Alterations = []spread.Alteration{"CLASSIFICATION_MARK_COVERED"}
	return []*spread.ForwardInput{
		hop("demo-01", 0, "FAX", zong, fax, zong),
		covered,
		hop("demo-03", time.Hour, "MMS", yang, zhang, yang),
		hop("demo-04", time.Hour, "MMS", yang, xu, yang),
		hop("demo-05", time.Hour, "MMS", yang, zhao, yang),
		hop("demo-06", 2*time.Hour, "FORWARD", zhang, tao, zhang),
		hop("demo-07", 3*time.Hour, "POST", tao, work, tao),
		hop("demo-08", 4*time.Hour, "FORWARD", work, townA, head),
		hop("demo-09", 4*time.Hour+12*time.Minute, "FORWARD", work, townB, head),
		hop("demo-10", 28*time.Hour, "POST", townB, site, unknown),
	}
}
