import { Grid, Space, Table, Typography, type TableProps } from "antd";
import type { ColumnType } from "antd/es/table";
import { isValidElement, type ReactNode } from "react";

// ResponsiveTable is antd's Table, except that on a phone each row is a single
// cell holding every column's title and value, a line each: nothing scrolls
// sideways, so a row's actions stay in sight.
export function ResponsiveTable<T extends object>(props: TableProps<T>) {
  const phone = !Grid.useBreakpoint().sm;
  const { columns, scroll, ...rest } = props;
  if (!phone || !columns) return <Table<T> {...props} />;
  const lines = (row: T, index: number) => columns.map((c, i) => {
    const column = c as ColumnType<T>;
    const raw = column.dataIndex === undefined ? undefined : (row as Record<string, unknown>)[String(column.dataIndex)];
    const rendered = column.render ? column.render(raw, row, index) : raw;
    // A render may return a cell's props with its children; only the children are shown.
    const value = rendered && typeof rendered === "object" && !isValidElement(rendered) && "children" in rendered ? rendered.children : rendered;
    return (
      <Space key={String(column.key ?? column.dataIndex ?? i)} size={8} align="start">
        {typeof column.title !== "function" && <Typography.Text type="secondary" className="lt-stacked-label">{column.title}</Typography.Text>}
        <div>{value as ReactNode}</div>
      </Space>
    );
  });
  // Without a header antd writes the empty text in its faint placeholder colour; it keeps the text's.
  const empty = rest.locale?.emptyText;
  const locale = typeof empty === "string" ? { ...rest.locale, emptyText: <Typography.Text type="secondary">{empty}</Typography.Text> } : rest.locale;
  return <Table<T> {...rest} locale={locale} scroll={scroll?.y ? { y: scroll.y } : undefined} showHeader={false}
    columns={[{ key: "row", render: (_, row, index) => <Space direction="vertical" size={4}>{lines(row, index)}</Space> }]} />;
}
