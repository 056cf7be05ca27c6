import { CaretRightOutlined, ExpandOutlined, PauseOutlined, ZoomInOutlined, ZoomOutOutlined } from "@ant-design/icons";
import { Alert, Button, Card, Col, Grid, List, Row, Select, Slider, Space, Tag, Tooltip, Typography } from "antd";
import cytoscape, { type Core } from "cytoscape";
import dayjs from "dayjs";
import { startTransition, useCallback, useDeferredValue, useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { useClient, useQuery } from "urql";
import { requestErrorMessage } from "../../api";
import { useIncidentAccess } from "../../components/access";
import { reveal } from "../../components/reveal";
import { graphql } from "../../gql";
import { takeChain } from "./chainLoad";
import { elkLayout } from "./elkLayout";
import { margin, openView } from "./openView";
import { AddForward } from "./AddForward";
import { ImportForwards } from "./ImportForwards";
import { NodePanel, TakedownTag, type Provenance } from "./SpreadSide";
import { SpreadLegend } from "./SpreadLegend";
import { SpreadTimeline } from "./SpreadTimeline";
import { SpreadWarnings } from "./SpreadWarnings";
import { ProposalList, useProposals } from "../chatlog/Proposals";
import { lineLink, type LineRef } from "../chatlog/chatData";
import { browserZone } from "../evidence/zoneTime";
import { boxMembers, byTime, forwardsUntil, pathEdges, replayCounts, replaySteps, senderEdges, timeRange,
  withProposals, type Collapsed, type ExportForward, type Position, type ProposedEdge, type SpreadExport } from "./graphData";
import { edgeColor, exposureColor, goodTag, labelFont, pathColor, pickedColor, proposalColor, takedownColor } from "./graphStyle";

const SpreadQuery = graphql(`
  query SpreadSummary($id: ID!) {
    incident(id: $id) {
      id
      spread {
        depth reachedNodes estimatedAudience forwardCount frontierCount warningCount
        origins { key name }
        firstExternal { key to { key name } }
        firstPublic { key to { key name } }
        frontier(first: 20) { key name kind exposure memberCount containment { status } }
        warnings(first: 20) { kind forwardKeys nodeKeys }
      }
    }
  }
`);
// Which forwards rest on lines of evidence, and which lines: the spread
// export does not say.
const ForwardSources = graphql(`
  query ForwardSources($id: ID!) {
    incident(id: $id) { id spread { forwards(first: 1000) { key evidenced sources { line evidence { id fileName } } } } }
  }
`);
const PathQuery = graphql(`
  query SpreadPath($id: ID!, $key: String!) { incident(id: $id) { id spread { pathTo(nodeKey: $key) { key at method from { name } to { name } by { name } } } } }
`);

const hopTime = (at: string) => dayjs(at).format("MM-DD HH:mm");
const playEvery = 700; // ms between the replay's steps


// showPath marks the forwards of a path on the graph, in one batch so the
// graph's style is worked out once, not once per edge.
function showPath(c: Core | undefined, el: HTMLElement | null, path: { key: string }[]) {
  const edges = pathEdges(path);
  c?.batch(() => {
    c.edges(".path").removeClass("path");
    c.edges().filter((e) => edges.has(e.data("forward"))).addClass("path");
  });
  if (el) el.dataset.path = String(edges.size);
}

// SpreadExplorer is the investigators' workspace: the forwarding graph laid
// out left to right in time order, people and venues drawn by kind, exposure
// and takedown state, the origin and the path to the selected node
// highlighted, a timeline and a replay of the forwards, the analysis's
// consistency warnings, the frontier, and recording or importing forwards.
export function SpreadExplorer({ incidentId, reference, frozen, changes, active = true, zone = browserZone }: {
  incidentId: string; reference: string; frozen: boolean; changes: number; active?: boolean; zone?: string;
}) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const proposals = useProposals(incidentId);
  const [{ data: sourced }, refetchSources] = useQuery({ query: ForwardSources, variables: { id: incidentId }, requestPolicy: "cache-and-network" });
  // The analysis's forwards say whether each is evidenced but carry no lines
  // (the API fills Forward.sources only for a forward loaded by itself): an
  // accepted proposal's forward gives them.
  const provenance = useMemo(() => {
    const m = new Map<string, Provenance>((sourced?.incident?.spread.forwards ?? []).map((f) => [f.key, f]));
    for (const p of proposals.proposals) {
      const f = p.forward;
      if (f && f.sources.length > 0 && !m.get(f.key)?.sources.length) m.set(f.key, { evidenced: true, sources: f.sources });
    }
    return m;
  }, [sourced, proposals.proposals]);
  const evidencedCount = useMemo(() => [...provenance.values()].filter((f) => f.evidenced).length, [provenance]);
  // The proposals still to review are drawn with the chain; the layout is
  // made again when they change.
  const pending = useMemo(() => proposals.proposals.filter((p) => p.state === "PROPOSED"), [proposals.proposals]);
  const pendingKey = pending.map((p) => p.id).join(",");
  const pendingRef = useRef(pending);
  pendingRef.current = pending;
  const [proposed, setProposed] = useState<ProposedEdge[]>([]);
  const jump = useCallback((ref: LineRef) => navigate(lineLink(ref)), [navigate]);
  const { canEdit } = useIncidentAccess();
  const [{ data: summary }, refetchSummary] = useQuery({ query: SpreadQuery, variables: { id: incidentId }, requestPolicy: "cache-and-network" });
  const [full, setFull] = useState<SpreadExport>();
  const [graph, setGraph] = useState<SpreadExport>();
  const [folded, setFolded] = useState<Collapsed>();
  const [positions, setPositions] = useState<Map<string, Position>>();
  const [selected, setChosen] = useState<string>();
  const [picked, setPicked] = useState<string>();
  const [tip, setTip] = useState<{ forward: string; x: number; y: number }>();
  const [until, setUntil] = useState<number>();
  const [playing, setPlaying] = useState(false);
  const [loadError, setLoadError] = useState<string>();
  const [version, setVersion] = useState(0);
  const [box, setBox] = useState<number>();
  const [{ data: path, operation: pathAsked }] = useQuery({ query: PathQuery, variables: { id: incidentId, key: selected ?? "" }, pause: !selected });
  const container = useRef<HTMLDivElement>(null);
  const cy = useRef<Core>(undefined);
  // A node chosen is shown at once; its path is asked for before the page
  // renders the choice, and drawn on the graph as it comes (the render of the
  // whole section would hold it back); the query above then finds it answered.
  const chosen = useRef<string>(undefined);
  const client = useClient();
  const setSelected = useCallback((key?: string) => {
    chosen.current = key;
    if (key) {
      void client.query(PathQuery, { id: incidentId, key }).toPromise()
        .then((r) => { if (chosen.current === key && r.data) showPath(cy.current, container.current, r.data.incident?.spread.pathTo ?? []); });
    }
    startTransition(() => setChosen(key));
  }, [client, incidentId]);
  const phone = !Grid.useBreakpoint().md;
  const [partial, setPartial] = useState(false);
  // Drawn while its section was hidden or the window changed: measure again when shown.
  useEffect(() => { if (active) cy.current?.resize(); }, [active]);

  useEffect(() => {
    let live = true;
    takeChain(reference)
      .then(async ({ full: d, folded: big, positions }) => {
        // Beyond what reads as a graph, the far hops are folded into boxes (see
        // chainLoad); a folded chain is too large to review on the graph: its proposals are listed only.
        const { data: drawn, proposed: edges } = big ? { data: big.data, proposed: [] } : withProposals(d, pendingRef.current);
        const at = positions ?? await elkLayout(drawn, edges);
        if (live) { setFull(d); setGraph(drawn); setProposed(edges); setFolded(big); setPositions(at); setUntil(undefined); setPlaying(false); }
      })
      .then(() => live && setLoadError(undefined))
      .catch((e: unknown) => live && setLoadError(requestErrorMessage(t, e)));
    return () => { live = false; };
  }, [reference, version, t, pendingKey]);

  // The timeline, the replay's steps and the forwards by key are worked out
  // after the graph is drawn, not before.
  const later = useDeferredValue(full);
  const sorted = useMemo(() => byTime(later?.forwards ?? []), [later]);
  const steps = useMemo(() => replaySteps(sorted), [sorted]);
  const [lo, hi] = useMemo(() => timeRange(full?.forwards ?? []), [full]);
  const shown = useMemo(() => (graph ? (until === undefined ? graph.forwards : forwardsUntil(graph.forwards, until)) : []), [graph, until]);
  const forwardByKey = useMemo(() => new Map((later?.forwards ?? []).map((f) => [f.key, f])), [later]);

  // The graph is drawn once per layout; the replay, the path and the picks only restyle it.
  useEffect(() => {
    const el = container.current;
    if (!graph || !positions || !el) return;
    cy.current?.destroy();
    const c = cytoscape({
      container: el,
      elements: [
        ...graph.nodes.map((n) => ({
          data: { id: n.key, label: n.kind === "AGGREGATE" ? t("spread.folded", { count: Number(n.name), hops: n.hops }) : n.name,
            exposure: n.exposure, person: n.kind === "PERSON" ? 1 : 0, origin: n.origin ? 1 : 0, box: n.kind === "AGGREGATE" ? 1 : 0,
            provisional: n.provisional ? 1 : 0,
            ...(n.kind !== "PERSON" && takedownColor[n.containment] ? { takedown: takedownColor[n.containment] } : {}) },
          position: positions.get(n.key) ?? { x: 0, y: 0 },
        })),
        ...graph.forwards.map((f) => ({ data: { id: f.key, source: f.from, target: f.to, forward: f.key, at: f.at } })),
        ...senderEdges(graph).map((e) => ({ data: { id: e.key, source: e.from, target: e.to, forward: e.forward, at: e.at, sender: 1 } })),
        ...proposed.map((e) => ({ data: { id: e.key, source: e.from, target: e.to, proposal: e.proposal, proposed: 1, sender: e.sender ? 1 : 0 } })),
      ],
      layout: { name: "preset", fit: false }, // openView places it
      minZoom: 0.02,
      maxZoom: 4,
      style: [
        { selector: "node", style: { label: "data(label)", "font-size": labelFont, "text-valign": "center", color: "#fff", width: 140, height: 36,
          shape: "round-rectangle", "text-wrap": "ellipsis", "text-max-width": "128px" } },
        // A selector per exposure, not a style function, which cytoscape cannot cache across nodes.
        ...Object.entries(exposureColor).map(([x, c]) => ({ selector: `node[exposure = "${x}"]`, style: { "background-color": c } })),
        { selector: "node[person = 1]", style: { shape: "ellipse", width: 124 } },
        { selector: "node[origin = 1]", style: { "border-width": 4, "border-color": "#111" } },
        { selector: "node[takedown]", style: { "border-width": 5, "border-color": "data(takedown)" } },
        { selector: "node[box = 1]", style: { "background-color": "#5c636a", shape: "round-rectangle", width: 170, height: 40 } },
        { selector: "edge", style: { width: 1.5, "line-color": edgeColor, "target-arrow-color": edgeColor, "target-arrow-shape": "triangle", "curve-style": "bezier" } },
        { selector: "edge[sender = 1]", style: { "line-style": "dashed", "line-dash-pattern": [6, 4], "target-arrow-shape": "vee" } },
        { selector: "node[provisional = 1]", style: { "background-color": "#fff", color: "#0b3d45", "border-width": 2, "border-style": "dashed", "border-color": proposalColor } },
        { selector: "edge[proposed = 1]", style: { width: 2.5, "line-style": "dashed", "line-dash-pattern": [8, 5], "line-color": proposalColor, "target-arrow-color": proposalColor } },
        { selector: "edge[proposed = 1][sender = 1]", style: { width: 1.5, "line-dash-pattern": [3, 4] } },
        { selector: ".path", style: { width: 4, "line-color": pathColor, "target-arrow-color": pathColor } },
        { selector: ".picked", style: { width: 5, "line-color": pickedColor, "target-arrow-color": pickedColor, "z-index": 10 } },
        { selector: "node:selected", style: { "underlay-color": pathColor, "underlay-opacity": 0.4, "underlay-padding": 7 } },
        { selector: ".later", style: { display: "none" } },
      ],
    });
    cy.current = c;
    c.on("tap", "node", (e) => (e.target.data("box") ? setBox(Number(e.target.id().slice(4))) : setSelected(e.target.id())));
    const tipAt = (e: cytoscape.EventObject) => setTip({ forward: e.target.data("forward"), ...e.target.renderedMidpoint() });
    c.on("mouseover", "edge", tipAt);
    c.on("mouseout", "edge", () => setTip(undefined));
    c.on("tap", "edge", (e) => { tipAt(e); setPicked(e.target.data("forward")); });
    c.on("tap", (e) => { if (e.target === c || !e.target.isEdge()) setTip(undefined); });
    // For tests and measurements: how many nodes are drawn, and how large their labels are on screen.
    const measure = () => {
      el.dataset.zoom = c.zoom().toFixed(3);
      el.dataset.labelPx = (labelFont * c.zoom()).toFixed(1);
      // Opened at a readable size, a long chain runs past the edges: say so.
      const bb = c.elements().renderedBoundingBox();
      setPartial(bb.x1 < 0 || bb.y1 < 0 || bb.x2 > c.width() || bb.y2 > c.height());
    };
    openView(c);
    measure();
    // After the opening view, which would otherwise be measured at each of its steps.
    c.on("viewport", () => { setTip(undefined); measure(); });
    el.dataset.drawn = String(c.nodes().length);
    el.dataset.proposed = String(c.edges("[proposed = 1][sender = 0]").length);
    return () => { c.destroy(); if (cy.current === c) cy.current = undefined; };
  }, [graph, positions, proposed, t, setSelected]);

  // The replay hides what had not happened yet.
  useEffect(() => {
    const c = cy.current;
    if (!c || !graph) return;
    const keys = new Set(shown.map((f) => f.key));
    // The person who made a hop appears with it, as do its ends.
    const reached = new Set(shown.flatMap((f) => [f.from, f.to, f.by]));
    c.batch(() => {
      c.elements().removeClass("later");
      if (until === undefined) return;
      c.edges().filter((e) => !keys.has(e.data("forward"))).addClass("later");
      c.nodes().filter((n) => !reached.has(n.id()) && !n.data("origin")).addClass("later");
    });
  }, [graph, positions, shown, until]);

  // Drawn again with the graph; a path still being asked for is drawn as it comes (setSelected).
  useEffect(() => {
    if (selected && pathAsked?.variables.key !== selected) return;
    showPath(cy.current, container.current, selected ? path?.incident?.spread.pathTo ?? [] : []);
  }, [selected, path, pathAsked, graph, positions]);

  useEffect(() => {
    const c = cy.current;
    c?.batch(() => {
      c.edges(".picked").removeClass("picked");
      // A proposed edge is no forward: with nothing picked it must not match "no forward".
      if (picked) c.edges().filter((e) => !e.data("sender") && e.data("forward") === picked).addClass("picked");
    });
  }, [picked, graph, positions]);

  // A node chosen from a list is selected on the graph too, when drawn.
  useEffect(() => {
    const c = cy.current;
    c?.batch(() => {
      c.nodes(":selected").unselect();
      if (selected) c.getElementById(selected).select();
    });
  }, [selected, graph, positions]);

  // Playing steps the replay through the forwards' times; at the end it shows all again.
  useEffect(() => {
    if (!playing) return;
    const id = setTimeout(() => {
      const next = steps.find((s) => until !== undefined && s > until);
      if (next === undefined || next >= hi) { setUntil(undefined); setPlaying(false); } else setUntil(next);
    }, playEvery);
    return () => clearTimeout(id);
  }, [playing, until, steps, hi]);
  const play = () => {
    if (playing) return setPlaying(false);
    if (until === undefined) setUntil(steps[0]);
    setPlaying(true);
  };
  const zoomBy = (factor: number) => {
    const c = cy.current;
    if (c) c.zoom({ level: c.zoom() * factor, renderedPosition: { x: c.width() / 2, y: c.height() / 2 } });
  };
  const pickWarning = useCallback((forward: string, node?: string) => { setPicked(forward); setSelected(node); }, [setSelected]);
  // Picking a forward the replay has not reached yet moves the replay to it.
  const pick = useCallback((f: ExportForward) => {
    setPicked(f.key);
    setSelected(f.to);
    const at = Date.parse(f.at);
    if (until !== undefined && at > until) { setPlaying(false); setUntil(at >= hi ? undefined : at); }
  }, [until, hi, setSelected]);

  const s = summary?.incident?.spread;
  const names = useMemo(() => new Map((full?.nodes ?? []).map((n) => [n.key, n.name])), [full]);
  const recorded = useMemo(() => new Set(names.keys()), [names]);
  const counts = useMemo(() => (full && until !== undefined ? replayCounts(full.nodes, forwardsUntil(full.forwards, until)) : undefined), [full, until]);
  // One translation per kind, not per node: a large chain has thousands.
  const nodeOptions = useMemo(() => {
    const kinds = new Map<string, string>();
    const kind = (k: string) => kinds.get(k) ?? kinds.set(k, t(`spread.kind.${k}`)).get(k);
    return (full?.nodes ?? []).map((n) => ({ value: n.key, label: `${n.name} · ${kind(n.kind)}` }));
  }, [full, t]);
  const selectedNode = selected ? full?.nodes.find((n) => n.key === selected) : undefined;
  const tipForward = tip && forwardByKey.get(tip.forward);
  const reloadProposals = proposals.reload;
  const refresh = useCallback(() => {
    setVersion((v) => v + 1);
    refetchSummary({ requestPolicy: "network-only" });
    refetchSources({ requestPolicy: "network-only" });
    reloadProposals();
  }, [refetchSummary, refetchSources, reloadProposals]);
  useEffect(() => { if (changes) refresh(); }, [changes, refresh]);
  return (
    <Card id="spread" title={t("spread.title")} extra={<Space>
      <a href={`/incidents/${reference}/spread.json`}>JSON</a><a href={`/incidents/${reference}/spread.graphml`}>GraphML</a></Space>}>
      {loadError && <Alert type="error" showIcon message={loadError} />}
      {phone && canEdit && !frozen && <Button block className="lt-gap-sm" onClick={() => reveal("add-forward")}>{t("spread.add")}</Button>}
      {s && <Space wrap style={{ marginBottom: 8 }} data-testid="spread-counters">
        <Tag>{t("spread.forwards", { count: counts?.forwards ?? s.forwardCount })}</Tag><Tag>{t("spread.depth", { depth: s.depth })}</Tag>
        <Tag>{t("spread.reached", { count: counts?.reached ?? s.reachedNodes })}</Tag>
        <Tag>{t("spread.audience", { count: counts?.audience ?? s.estimatedAudience })}</Tag>
        {evidencedCount > 0 && <Tag color={goodTag} data-testid="evidenced-count">{t("chat.evidencedCount", { count: evidencedCount, total: s.forwardCount })}</Tag>}
        {s.origins.map((o) => <Tag key={o.key} color="black">{t("spread.origin")}: {o.name}</Tag>)}
        {s.firstExternal && <Button size="small" onClick={() => setSelected(s.firstExternal!.to.key)}>{t("spread.showFirstExternal", { name: s.firstExternal.to.name })}</Button>}
        {s.firstPublic && s.firstPublic.key !== s.firstExternal?.key && <Button size="small" onClick={() => setSelected(s.firstPublic!.to.key)}>
          {t("spread.showFirstPublic", { name: s.firstPublic.to.name })}</Button>}
      </Space>}
      {s && s.warningCount > 0 && <SpreadWarnings warnings={s.warnings} count={s.warningCount} names={names} forwards={forwardByKey} time={hopTime}
        onPick={pickWarning} />}
      {folded && <Alert type="info" showIcon style={{ marginBottom: 8 }}
        message={t("spread.large", { count: folded.hiddenNodes, hops: folded.shownHops })} />}
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={17}>
          <Row gutter={[12, 12]}>
            <Col xs={24} xxl={15}>
              <div style={{ position: "relative" }}>
                <div ref={container} data-testid="spread-graph" role="img" aria-label={t("spread.graphLabel", { count: full?.nodes.length ?? 0 })}
                  style={{ height: 460, border: "1px solid #e5e7eb", borderRadius: 4, background: "#fafbfc" }} />
                <Space.Compact direction="vertical" style={{ position: "absolute", top: 8, right: 8 }}>
                  <Button icon={<ZoomInOutlined />} aria-label={t("spread.zoomIn")} title={t("spread.zoomIn")} onClick={() => zoomBy(1.5)} />
                  <Button icon={<ZoomOutOutlined />} aria-label={t("spread.zoomOut")} title={t("spread.zoomOut")} onClick={() => zoomBy(1 / 1.5)} />
                  <Button icon={<ExpandOutlined />} aria-label={t("spread.fit")} title={t("spread.fit")} onClick={() => cy.current?.fit(undefined, margin)} />
                </Space.Compact>
                {partial && <div className="lt-graph-hint" data-testid="graph-partial">{t("spread.partialView")}</div>}
                {tipForward && <div role="tooltip" data-testid="edge-tip" style={{ position: "absolute", left: tip.x + 8, top: tip.y + 8, pointerEvents: "none",
                  background: "#fff", border: "1px solid #d9d9d9", borderRadius: 4, padding: "4px 8px", boxShadow: "0 2px 8px rgba(0,0,0,.15)", maxWidth: 260 }}>
                  <Typography.Text strong>{dayjs(tipForward.at).format("YYYY-MM-DD HH:mm")}</Typography.Text> {t(`spread.methods.${tipForward.method}`)}<br />
                  {names.get(tipForward.from) ?? tipForward.from} → {names.get(tipForward.to) ?? tipForward.to}<br />
                  {t("spread.timeline.by", { name: names.get(tipForward.by) ?? tipForward.by })}
                </div>}
              </div>
              <SpreadLegend />
              {full && full.forwards.length > 1 && <div style={{ padding: "8px 12px" }}>
                <Space>
                  <Button size="small" data-testid="replay-play" icon={playing ? <PauseOutlined /> : <CaretRightOutlined />} onClick={play}>
                    {playing ? t("spread.pause") : t("spread.play")}</Button>
                  <Typography.Text>{t("spread.replay")}: {dayjs(until ?? hi).format("YYYY-MM-DD HH:mm")}</Typography.Text>
                </Space>
                <Slider min={lo} max={hi} value={until ?? hi} step={Math.max(1, Math.round((hi - lo) / 200))} tooltip={{ open: false }}
                  onChange={(v) => { setPlaying(false); setUntil(v >= hi ? undefined : v); }} ariaLabelForHandle={t("spread.replay")} />
              </div>}
            </Col>
            <Col xs={24} xxl={9}>
              <SpreadTimeline sorted={sorted} names={names} until={until} picked={picked} onPick={pick} />
            </Col>
          </Row>
          {selected && selectedNode?.origin && <Typography.Paragraph data-testid="path">{t("spread.isOrigin", { name: selectedNode.name })}</Typography.Paragraph>}
          {path?.incident?.spread.pathTo && selected && !selectedNode?.origin && <List size="small" data-testid="path" header={t("spread.pathTo", { name: names.get(selected) ?? selected })}
            dataSource={path.incident.spread.pathTo} locale={{ emptyText: t("spread.noPath") }}
            renderItem={(f) => <List.Item>{hopTime(f.at)} {f.from.name} → {f.to.name} <Tag>{t(`spread.methods.${f.method}`)}</Tag> {f.by.name}</List.Item>} />}
          <ProposalList incidentId={incidentId} zone={zone} frozen={frozen} proposals={proposals.proposals} known={recorded} error={proposals.error} onChanged={refresh} onJump={jump} />
        </Col>
        <Col xs={24} lg={7}>
          {full && full.nodes.length > 0 && <Select showSearch allowClear style={{ width: "100%", marginBottom: 12 }} value={selected}
            placeholder={t("spread.find")} aria-label={t("spread.find")} onChange={(k?: string) => setSelected(k)}
            optionFilterProp="label" options={nodeOptions} />}
          {selectedNode && full && <NodePanel node={selectedNode} forwards={full.forwards} names={names} frozen={frozen} provenance={provenance} onJump={jump}
            onChanged={refresh} onClose={() => setSelected(undefined)} />}
          {box !== undefined && full && !selectedNode && <Card size="small" data-testid="box-panel"
            title={t("spread.boxTitle", { hops: box, count: boxMembers(full, box).length })}
            extra={<Button size="small" type="text" onClick={() => setBox(undefined)} aria-label={t("spread.closePanel")}>×</Button>}>
            <List size="small" dataSource={boxMembers(full, box).slice(0, 100)} footer={boxMembers(full, box).length > 100 && t("spread.boxMore")}
              renderItem={(n) => <List.Item><Button type="link" size="small" onClick={() => setSelected(n.key)}>{n.name}</Button>
                <Tag>{t(`spread.kind.${n.kind}`)}</Tag>{n.memberCount !== undefined && <Tag>{n.memberCount}</Tag>}</List.Item>} />
          </Card>}
          <Typography.Title level={5} style={{ marginTop: 12 }}>{t("spread.frontier", { count: s?.frontierCount ?? 0 })}</Typography.Title>
          <List id="frontier" size="small" data-testid="frontier" dataSource={s?.frontier ?? []} locale={{ emptyText: t("spread.noFrontier") }} renderItem={(n) => (
            <List.Item>
              <Button type="link" size="small" style={{ padding: 0 }} onClick={() => setSelected(n.key)}>{n.name}</Button>
              <Space size={4} wrap>
                <Tag color={exposureColor[n.exposure]}>{t(`spread.exposures.${n.exposure}`)}</Tag>
                <Tooltip title={t("spread.memberCount")}><Tag>{n.memberCount ?? t("spread.audienceUnknown")}</Tag></Tooltip>
                {n.containment && <TakedownTag status={n.containment.status} />}
              </Space>
            </List.Item>)} />
          {canEdit && !frozen && <AddForward incidentId={incidentId} nodes={full?.nodes} onDone={refresh} />}
          {canEdit && !frozen && <ImportForwards reference={reference} onDone={refresh} />}
        </Col>
      </Row>
    </Card>
  );
}
