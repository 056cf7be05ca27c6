import { Alert, Button, Card, Col, List, Row, Select, Slider, Space, Tag, Typography } from "antd";
import cytoscape, { type Core } from "cytoscape";
import dayjs from "dayjs";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useQuery } from "urql";
import { fetchJSON, requestErrorMessage } from "../../api";
import { useIncidentAccess } from "../../components/access";
import { graphql } from "../../gql";
import { elkLayout } from "./elkLayout";
import { AddForward } from "./AddForward";
import { ImportForwards } from "./ImportForwards";
import { NodePanel, TakedownTag } from "./SpreadSide";
import { boxMembers, collapse, elkLimit, foldedLimit, forwardsUntil, pathEdges, timeRange, type Collapsed, type Position, type SpreadExport } from "./graphData";

const SpreadQuery = graphql(`
  query SpreadSummary($id: ID!) {
    incident(id: $id) {
      id
      spread {
        depth reachedNodes estimatedAudience forwardCount frontierCount
        origins { key name }
        firstExternal { key to { key name } }
        frontier(first: 20) { key name kind exposure memberCount containment { status } }
      }
    }
  }
`);
const PathQuery = graphql(`
  query SpreadPath($id: ID!, $key: String!) { incident(id: $id) { id spread { pathTo(nodeKey: $key) { key at method from { name } to { name } by { name } } } } }
`);

const exposureColor = { INTERNAL: "#1f4e79", EXTERNAL: "#b35c00", PUBLIC: "#c0392b" } as const;

// SpreadExplorer is the investigators' workspace: the forwarding graph laid
// out left to right in time order, people and venues drawn by kind and
// exposure, the origin and the path to the selected node highlighted, a
// replay slider, the frontier beside it, and recording or importing forwards.
export function SpreadExplorer({ incidentId, reference, frozen, changes }: { incidentId: string; reference: string; frozen: boolean; changes: number }) {
  const { t } = useTranslation();
  const { canEdit } = useIncidentAccess();
  const [{ data: summary }, refetchSummary] = useQuery({ query: SpreadQuery, variables: { id: incidentId }, requestPolicy: "cache-and-network" });
  const [full, setFull] = useState<SpreadExport>();
  const [graph, setGraph] = useState<SpreadExport>();
  const [folded, setFolded] = useState<Collapsed>();
  const [positions, setPositions] = useState<Map<string, Position>>();
  const [selected, setSelected] = useState<string>();
  const [until, setUntil] = useState<number>();
  const [loadError, setLoadError] = useState<string>();
  const [version, setVersion] = useState(0);
  const [box, setBox] = useState<number>();
  const [{ data: path }] = useQuery({ query: PathQuery, variables: { id: incidentId, key: selected ?? "" }, pause: !selected });
  const container = useRef<HTMLDivElement>(null);
  const cy = useRef<Core>(undefined);

  useEffect(() => {
    let live = true;
    fetchJSON<SpreadExport>(`/incidents/${reference}/spread.json`)
      .then(async (d) => {
        // Beyond what reads as a graph, fold the far hops into boxes.
        const big = d.nodes.length > elkLimit ? collapse(d, foldedLimit) : undefined;
        const drawn = big?.data ?? d;
        const at = await elkLayout(drawn);
        if (live) { setFull(d); setGraph(drawn); setFolded(big); setPositions(at); setUntil(undefined); }
      })
      .then(() => live && setLoadError(undefined))
      .catch((e: unknown) => live && setLoadError(requestErrorMessage(t, e)));
    return () => { live = false; };
  }, [reference, version, t]);

  const [lo, hi] = useMemo(() => (graph ? timeRange(graph.forwards) : [0, 0]), [graph]);
  const shown = useMemo(() => (graph ? (until === undefined ? graph.forwards : forwardsUntil(graph.forwards, until)) : []), [graph, until]);

  useEffect(() => {
    if (!graph || !positions || !container.current) return;
    const reached = new Set(shown.flatMap((f) => [f.from, f.to]));
    cy.current?.destroy();
    cy.current = cytoscape({
      container: container.current,
      elements: [
        ...graph.nodes.filter((n) => until === undefined || reached.has(n.key) || n.origin).map((n) => ({
          data: { id: n.key, label: n.kind === "AGGREGATE" ? t("spread.folded", { count: Number(n.name), hops: n.hops }) : n.name,
            exposure: n.exposure, person: n.kind === "PERSON" ? 1 : 0, origin: n.origin ? 1 : 0, box: n.kind === "AGGREGATE" ? 1 : 0 },
          position: positions.get(n.key) ?? { x: 0, y: 0 },
        })),
        ...shown.map((f) => ({ data: { id: f.key, source: f.from, target: f.to, label: f.method } })),
      ],
      layout: { name: "preset" },
      wheelSensitivity: 0.3,
      style: [
        { selector: "node", style: { label: "data(label)", "font-size": 11, "text-valign": "center", color: "#fff", width: 130, height: 30,
          "background-color": (n) => exposureColor[n.data("exposure") as keyof typeof exposureColor], shape: "round-rectangle", "text-wrap": "ellipsis", "text-max-width": "120px" } },
        { selector: "node[person = 1]", style: { shape: "ellipse", width: 110 } },
        { selector: "node[origin = 1]", style: { "border-width": 4, "border-color": "#111" } },
        { selector: "node[box = 1]", style: { "background-color": "#5c636a", shape: "round-rectangle", width: 170, height: 40 } },
        { selector: "edge", style: { width: 1.5, "line-color": "#9aa5b1", "target-arrow-color": "#9aa5b1", "target-arrow-shape": "triangle", "curve-style": "bezier" } },
        { selector: ".path", style: { width: 4, "line-color": "#e03131", "target-arrow-color": "#e03131" } },
        { selector: "node:selected", style: { "border-width": 4, "border-color": "#e03131" } },
      ],
    });
    cy.current.on("tap", "node", (e) => (e.target.data("box") ? setBox(Number(e.target.id().slice(4))) : setSelected(e.target.id())));
    container.current.dataset.drawn = String(cy.current.nodes().length); // for tests and measurements
    return () => { cy.current?.destroy(); cy.current = undefined; };
  }, [graph, positions, shown, until, t]);

  useEffect(() => {
    const edges = pathEdges(path?.incident?.spread.pathTo ?? []);
    cy.current?.edges().forEach((e) => { if (edges.has(e.id())) e.addClass("path"); else e.removeClass("path"); });
    if (container.current) container.current.dataset.path = String(edges.size);
  }, [path, graph, shown]);

  // A node chosen from a list is selected on the graph too, when drawn.
  useEffect(() => {
    cy.current?.nodes(":selected").unselect();
    if (selected) cy.current?.getElementById(selected).select();
  }, [selected, graph, shown]);

  const s = summary?.incident?.spread;
  const names = useMemo(() => new Map((full?.nodes ?? []).map((n) => [n.key, n.name])), [full]);
  const nodeOptions = useMemo(() => (full?.nodes ?? []).map((n) => ({ value: n.key, label: `${n.name} · ${t(`spread.kind.${n.kind}`)}` })), [full, t]);
  const selectedNode = selected ? full?.nodes.find((n) => n.key === selected) : undefined;
  const refresh = useCallback(() => { setVersion((v) => v + 1); refetchSummary({ requestPolicy: "network-only" }); }, [refetchSummary]);
  useEffect(() => { if (changes) refresh(); }, [changes, refresh]);
  return (
    <Card id="spread" title={t("spread.title")} extra={<Space>
      <a href={`/incidents/${reference}/spread.json`}>JSON</a><a href={`/incidents/${reference}/spread.graphml`}>GraphML</a></Space>}>
      {loadError && <Alert type="error" showIcon message={loadError} />}
      {s && <Space wrap style={{ marginBottom: 8 }}>
        <Tag>{t("spread.forwards", { count: s.forwardCount })}</Tag><Tag>{t("spread.depth", { depth: s.depth })}</Tag>
        <Tag>{t("spread.reached", { count: s.reachedNodes })}</Tag><Tag>{t("spread.audience", { count: s.estimatedAudience })}</Tag>
        {s.origins.map((o) => <Tag key={o.key} color="black">{t("spread.origin")}: {o.name}</Tag>)}
        {s.firstExternal && <Button size="small" danger onClick={() => setSelected(s.firstExternal!.to.key)}>{t("spread.showFirstExternal", { name: s.firstExternal.to.name })}</Button>}
      </Space>}
      {folded && <Alert type="info" showIcon style={{ marginBottom: 8 }}
        message={t("spread.large", { count: folded.hiddenNodes, hops: folded.shownHops })} />}
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={17}>
          <div ref={container} data-testid="spread-graph" role="img" aria-label={t("spread.graphLabel", { count: full?.nodes.length ?? 0 })}
            style={{ height: 460, border: "1px solid #e5e7eb", borderRadius: 4, background: "#fafbfc" }} />
          {graph && graph.forwards.length > 1 && <div style={{ padding: "8px 12px" }}>
            <Typography.Text type="secondary">{t("spread.replay")}: {dayjs(until ?? hi).format("YYYY-MM-DD HH:mm")}</Typography.Text>
            <Slider min={lo} max={hi} value={until ?? hi} step={Math.max(1, Math.round((hi - lo) / 200))} tooltip={{ open: false }}
              onChange={(v) => setUntil(v >= hi ? undefined : v)} aria-label={t("spread.replay")} />
          </div>}
          {path?.incident?.spread.pathTo && selected && <List size="small" data-testid="path" header={t("spread.pathTo", { name: names.get(selected) ?? selected })}
            dataSource={path.incident.spread.pathTo} locale={{ emptyText: t("spread.noPath") }}
            renderItem={(f) => <List.Item>{dayjs(f.at).format("MM-DD HH:mm")} {f.from.name} → {f.to.name} <Tag>{t(`spread.methods.${f.method}`)}</Tag> {f.by.name}</List.Item>} />}
        </Col>
        <Col xs={24} lg={7}>
          {full && full.nodes.length > 0 && <Select showSearch allowClear style={{ width: "100%", marginBottom: 12 }} value={selected}
            placeholder={t("spread.find")} aria-label={t("spread.find")} onChange={(k?: string) => setSelected(k)}
            optionFilterProp="label" options={nodeOptions} />}
          {selectedNode && full && <NodePanel node={selectedNode} forwards={full.forwards} names={names} frozen={frozen}
            onChanged={refresh} onClose={() => setSelected(undefined)} />}
          {box !== undefined && full && !selectedNode && <Card size="small" data-testid="box-panel"
            title={t("spread.boxTitle", { hops: box, count: boxMembers(full, box).length })}
            extra={<Button size="small" type="text" onClick={() => setBox(undefined)} aria-label={t("spread.closePanel")}>×</Button>}>
            <List size="small" dataSource={boxMembers(full, box).slice(0, 100)} footer={boxMembers(full, box).length > 100 && t("spread.boxMore")}
              renderItem={(n) => <List.Item><Button type="link" size="small" onClick={() => setSelected(n.key)}>{n.name}</Button>
                <Tag>{t(`spread.kind.${n.kind}`)}</Tag>{n.memberCount !== undefined && <Tag>{n.memberCount}</Tag>}</List.Item>} />
          </Card>}
          <Typography.Title level={5} style={{ marginTop: 12 }}>{t("spread.frontier", { count: s?.frontierCount ?? 0 })}</Typography.Title>
          <List size="small" data-testid="frontier" dataSource={s?.frontier ?? []} locale={{ emptyText: t("spread.noFrontier") }} renderItem={(n) => (
            <List.Item>
              <Button type="link" size="small" style={{ padding: 0 }} onClick={() => setSelected(n.key)}>{n.name}</Button>
              <Space size={4} wrap>
                <Tag color={exposureColor[n.exposure]}>{t(`spread.exposures.${n.exposure}`)}</Tag>
                <Tag>{n.memberCount ?? "?"}</Tag>
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
