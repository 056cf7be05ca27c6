package server_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// The case report and the statistics come over HTTP as files, with clear
// errors for bad parameters.
func TestReportAndStatisticsFiles(t *testing.T) {
	t.Parallel()
	m, c := start(t)
	_, ref := openCase(t, c, "报告下载")
	get := func(path string) (int, http.Header, string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, m.URL()+path, nil)
		req.Header.Set("Authorization", "Bearer "+c.Token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header, string(body)
	}
	for _, tt := range []struct {
		path, contentType, contains string
		status                      int
	}{
		{"/incidents/" + ref + "/report.md?lang=zh-TW", "text/markdown", "# 案件報告：报告下载", 200},
		{"/incidents/" + ref + "/report.docx?lang=zh-CN", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "word/document.xml", 200},
		{"/incidents/" + ref + "/report.pdf?lang=en", "application/pdf", "%PDF-", 200},
		{"/incidents/" + ref + "/report.md?lang=fr", "application/json", `"INVALID_INPUT"`, 400},
		{"/incidents/LT-1999-9999/report.pdf", "application/json", `"NOT_FOUND"`, 404},
		{"/statistics.csv", "text/csv", "incidents,,1", 200},
		{"/statistics.csv?from=yesterday", "application/json", `"INVALID_INPUT"`, 400},
	} {
		status, header, body := get(tt.path)
		if status != tt.status || !strings.HasPrefix(header.Get("Content-Type"), tt.contentType) || !strings.Contains(body, tt.contains) {
			t.Errorf("%s: %d %s %.200q", tt.path, status, header.Get("Content-Type"), body)
		}
		if header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: the browser may sniff the type", tt.path)
		}
		if status == 200 && strings.Contains(tt.path, "report") && len(header.Get("X-Content-SHA256")) != 64 {
			t.Errorf("%s: no hash header", tt.path)
		}
	}
}
