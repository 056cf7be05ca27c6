package chatexport

import (
	"encoding/xml"
	"strconv"
	"strings"
	"time"
)

// What the two WeChat CSV exporters share: WeChat's own message XML (the
// appmsg of links, files, quotes and merged forwards, the img and videomsg
// of media), its times and its membership notices. The XML shapes follow
// what xaoyaoo/PyWxDump (pywxdump/db/dbMSG.py get_msg_detail) and
// LC044/WeChatMsg read from the MSG table's StrContent and CompressContent.

// wxMsg is a WeChat message XML (<msg>…</msg>), the parts read.
type wxMsg struct {
	AppMsg struct {
		Title      string `xml:"title"`
		Des        string `xml:"des"`
		Type       int    `xml:"type"`
		URL        string `xml:"url"`
		MD5        string `xml:"md5"`
		RecordItem string `xml:"recorditem"`
		AppAttach  struct {
			TotalLen int64  `xml:"totallen"`
			FileExt  string `xml:"fileext"`
		} `xml:"appattach"`
		ReferMsg *wxRefer `xml:"refermsg"`
	} `xml:"appmsg"`
	Img struct {
		MD5    string `xml:"md5,attr"`
		Length int64  `xml:"length,attr"`
	} `xml:"img"`
	Video struct {
		MD5    string `xml:"md5,attr"`
		Length int64  `xml:"length,attr"`
	} `xml:"videomsg"`
}

// wxRefer is a quote's refermsg: chatusr is the quoted sender in a group,
// fromusr the chat (or, in a one-to-one chat, the quoted sender).
type wxRefer struct {
	FromUsr     string `xml:"fromusr"`
	ChatUsr     string `xml:"chatusr"`
	DisplayName string `xml:"displayname"`
	Content     string `xml:"content"`
	CreateTime  string `xml:"createtime"`
}

// wxRecordInfo is a merged forward's recordinfo: the forwarded messages,
// each with its original sender and time.
type wxRecordInfo struct {
	Title string       `xml:"title"`
	Items []wxDataItem `xml:"datalist>dataitem"`
}

type wxDataItem struct {
	DataType   int    `xml:"datatype,attr"`
	Desc       string `xml:"datadesc"`
	Title      string `xml:"datatitle"`
	SourceName string `xml:"sourcename"`
	SourceTime string `xml:"sourcetime"`
	// SrcMsgCreateTime is the original's epoch seconds (newer clients):
	// exact, where sourcetime is a local time without seconds.
	SrcMsgCreateTime string `xml:"srcMsgCreateTime"`
	Fmt              string `xml:"datafmt"`
	Size             int64  `xml:"datasize"`
	FullMD5          string `xml:"fullmd5"`
	Link             string `xml:"link"`
	Source           struct {
		RealChatName string `xml:"realchatname"`
		FromUsr      string `xml:"fromusr"`
	} `xml:"dataitemsource"`
	// RecordXML holds a merged forward inside the merged forward, as elements.
	RecordXML struct {
		Inner string `xml:",innerxml"`
	} `xml:"recordxml"`
}

// wxDecode decodes the first element of s into v, leniently: exported XML
// is not always well-formed (PyWxDump parses it with lxml's recover mode).
func wxDecode(s string, v any) error {
	d := xml.NewDecoder(strings.NewReader(s))
	d.Strict = false
	d.AutoClose = xml.HTMLAutoClose
	return d.Decode(v)
}

// wxXML returns s from its first element on, or "" when s holds none.
func wxXML(s, tag string) string {
	if i := strings.Index(s, "<"+tag); i >= 0 {
		return s[i:]
	}
	return ""
}

// recordInfoXML finds a recordinfo in s: bare, in a recorditem's CDATA, or
// escaped as the recorditem's text.
func recordInfoXML(s string) string {
	if r := wxXML(s, "recordinfo"); r != "" {
		return r
	}
	if r := wxXML(s, "recorditem"); r != "" {
		var item struct {
			Text string `xml:",chardata"`
		}
		if wxDecode(r, &item) == nil {
			return wxXML(item.Text, "recordinfo")
		}
	}
	return ""
}

// maxRecordDepth bounds merged forwards nested in merged forwards.
const maxRecordDepth = 4

// wxItems reads a merged forward's items; each keeps the source of the
// message that carries it. Item types follow WeChat's datatype: 1 text,
// 2 image, 3 voice, 4 video, 5 link, 8 file, 17 a nested merged forward.
func wxItems(recordInfo string, src Source, zone *time.Location, depth int) ([]Message, error) {
	var ri wxRecordInfo
	if err := wxDecode(recordInfo, &ri); err != nil {
		return nil, err
	}
	return wxMessages(ri.Items, src, zone, depth), nil
}

// wxMessages makes messages of a merged forward's items; a nested merged
// forward is read while depth is under maxRecordDepth.
func wxMessages(its []wxDataItem, src Source, zone *time.Location, depth int) []Message {
	items := make([]Message, 0, len(its))
	for _, it := range its {
		m := Message{
			Sender: Party{ID: wxFirst(it.Source.RealChatName, it.Source.FromUsr), Name: strings.TrimSpace(it.SourceName)},
			At:     wxItemTime(it, zone),
			Text:   it.Desc,
			Source: src,
		}
		switch it.DataType {
		case 1:
			m.Kind = Text
		case 2:
			m.Kind = Image
			m.Media = []Media{{MD5: wxMD5(it.FullMD5), Size: it.Size}}
		case 3:
			m.Kind = Voice
		case 4:
			m.Kind = Video
			m.Media = []Media{{MD5: wxMD5(it.FullMD5), Size: it.Size}}
		case 5:
			m.Kind, m.Text = Link, strings.TrimSpace(it.Title+"\n"+it.Link)
		case 8:
			m.Kind, m.Text = File, it.Title
			m.Media = []Media{{Name: it.Title, MD5: wxMD5(it.FullMD5), Size: it.Size}}
		case 17:
			m.Kind, m.Text = Bundle, wxFirst(it.Title, it.Desc)
			if inner := recordInfoXML(it.RecordXML.Inner); inner != "" && depth < maxRecordDepth {
				m.Items, _ = wxItems(inner, src, zone, depth+1)
			}
		default:
			m.Kind = Other
		}
		items = append(items, m)
	}
	return items
}

// wxItemTime prefers the item's epoch; sourcetime is the forwarder's local
// time, read in the export's zone; zero when neither reads.
func wxItemTime(it wxDataItem, zone *time.Location) time.Time {
	if t, ok := epochSecondsOrMillis(strings.TrimSpace(it.SrcMsgCreateTime)); ok {
		return t
	}
	t, _ := wxLocalTime(strings.TrimSpace(it.SourceTime), zone)
	return t
}

// wxMD5 keeps a hex MD5, lower-cased; anything else is dropped.
func wxMD5(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if len(s) != 32 {
		return ""
	}
	for _, c := range s {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return ""
		}
	}
	return s
}

// wxQuote reads a refermsg: the quoted person and, when it says, the time.
func wxQuote(r *wxRefer, zone *time.Location) *Quoted {
	q := &Quoted{Sender: Party{Name: strings.TrimSpace(r.DisplayName)}, Text: r.Content}
	q.Sender.ID = r.ChatUsr
	if q.Sender.ID == "" && !strings.HasSuffix(r.FromUsr, "@chatroom") {
		q.Sender.ID = r.FromUsr
	}
	if inner := wxXML(r.Content, "msg"); inner != "" {
		// A quoted link, file or quote is itself an appmsg: its title is what shows.
		var m wxMsg
		if wxDecode(inner, &m) == nil && m.AppMsg.Title != "" {
			q.Text = m.AppMsg.Title
		}
	}
	q.At, _ = wechatTime(strings.TrimSpace(r.CreateTime), zone)
	return q
}

// wechatTime reads a WeChat time: epoch seconds (or milliseconds) are
// exact; a "2006-01-02 15:04:05" without a zone is the exporting machine's
// local time, read in zone (PyWxDump's timestamp2str writes localtime).
func wechatTime(s string, zone *time.Location) (time.Time, bool) {
	if t, ok := epochSecondsOrMillis(s); ok {
		return t, true
	}
	return wxLocalTime(s, zone)
}

// epochSecondsOrMillis reads 10-digit seconds or 13-digit milliseconds.
func epochSecondsOrMillis(s string) (time.Time, bool) {
	if len(s) != 10 && len(s) != 13 {
		return time.Time{}, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return time.Time{}, false
	}
	if len(s) == 13 {
		return time.UnixMilli(n).UTC(), true
	}
	return time.Unix(n, 0).UTC(), true
}

var wxLocalLayouts = []string{
	"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-1-2 15:04:05", "2006-1-2 15:04",
	"2006/01/02 15:04:05", "2006/1/2 15:04:05", "2006/1/2 15:04",
}

func wxLocalTime(s string, zone *time.Location) (time.Time, bool) {
	if s == "" {
		return time.Time{}, false
	}
	for _, l := range wxLocalLayouts {
		if t, err := time.ParseInLocation(l, s, zone); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

func wxFirst(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// wxNotice reads a WeChat membership notice (a type-10000 system message):
// `"张三"邀请"李四、王五"加入了群聊`, `你邀请"李四"加入了群聊`,
// `"张三"邀请你加入了群聊`, `"李四"通过扫描"张三"分享的二维码加入群聊`,
// `你通过扫描"张三"分享的二维码加入群聊`, `"张三"将"李四"移出了群聊`,
// and recalls (`"张三" 撤回了一条消息`). actor is who did it ("你" is
// the phone's owner).
func wxNotice(text string) (kind Kind, actor string, members []Party, ok bool) {
	t := strings.NewReplacer("“", `"`, "”", `"`).Replace(strings.TrimSpace(text))
	quoted := func(s string) []string { // the "…" parts of s, in order
		var out []string
		for {
			i := strings.IndexByte(s, '"')
			if i < 0 {
				return out
			}
			j := strings.IndexByte(s[i+1:], '"')
			if j < 0 {
				return out
			}
			out = append(out, s[i+1:i+1+j])
			s = s[i+2+j:]
		}
	}
	names := func(s string) []Party {
		var ps []Party
		for _, n := range strings.Split(s, "、") {
			if n = strings.TrimSpace(n); n != "" {
				ps = append(ps, Party{Name: n})
			}
		}
		return ps
	}
	q := quoted(t)
	switch {
	case strings.Contains(t, "撤回了一条消息"):
		return Recall, strings.TrimSpace(strings.Trim(strings.TrimSuffix(t, "撤回了一条消息"), `" `)), nil, true
	case strings.HasSuffix(t, "加入了群聊") && strings.Contains(t, "邀请") && len(q) >= 1:
		if strings.HasPrefix(t, "你邀请") {
			return Join, "你", names(q[0]), true
		}
		if len(q) >= 2 {
			return Join, q[0], names(q[1]), true
		}
		if strings.HasSuffix(t, "邀请你加入了群聊") {
			return Join, q[0], []Party{{Name: pyWxDumpOwner}}, true
		}
	case strings.Contains(t, "分享的二维码加入群聊") && len(q) >= 2:
		return Join, q[1], names(q[0]), true
	case strings.HasPrefix(t, "你通过扫描") && strings.Contains(t, "分享的二维码加入群聊") && len(q) == 1:
		return Join, q[0], []Party{{Name: pyWxDumpOwner}}, true
	case strings.HasSuffix(t, "移出了群聊") && len(q) >= 1:
		if strings.HasPrefix(t, "你将") {
			return Leave, "你", names(q[0]), true
		}
		if len(q) >= 2 {
			return Leave, q[0], names(q[1]), true
		}
	}
	return "", "", nil, false
}
