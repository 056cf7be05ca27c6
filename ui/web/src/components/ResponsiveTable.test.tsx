import { render, screen, within } from "@testing-library/react";
import { Button } from "antd";
import { afterEach, describe, expect, it } from "vitest";
import { ResponsiveTable } from "./ResponsiveTable";

// screenWidth makes antd's breakpoints see a window of this many pixels.
const screenWidth = (px: number) => {
  window.matchMedia = (query: string) => {
    const min = /min-width:\s*(\d+)px/.exec(query), max = /max-width:\s*(\d+)px/.exec(query);
    const matches = (!min || px >= Number(min[1])) && (!max || px <= Number(max[1]));
    return { matches, media: query, onchange: null, addListener: () => {}, removeListener: () => {},
      addEventListener: () => {}, removeEventListener: () => {}, dispatchEvent: () => false } as unknown as MediaQueryList;
  };
};

const table = <ResponsiveTable rowKey="id" pagination={false} scroll={{ x: 720 }} dataSource={[{ id: "u1", name: "值班员", role: "响应人员" }]}
  columns={[
    { title: "显示名称", dataIndex: "name" },
    { title: "角色", key: "role", render: (_, u) => <span data-testid="role">{u.role}</span> },
    { title: "操作", key: "actions", render: () => <Button>停用</Button> },
  ]} />;

describe("ResponsiveTable", () => {
  afterEach(() => screenWidth(0));

  it("is a table with a column each on a wider screen", () => {
    screenWidth(1280);
    render(table);
    expect(screen.getAllByRole("columnheader").map((h) => h.textContent)).toEqual(["显示名称", "角色", "操作"]);
    expect(screen.getByRole("cell", { name: "值班员" })).toBeTruthy();
  });

  it("on a phone shows each row as one cell, every column's title beside its value and the actions in it", () => {
    screenWidth(360);
    render(table);
    expect(screen.queryAllByRole("columnheader")).toEqual([]);
    const cells = screen.getAllByRole("cell");
    expect(cells).toHaveLength(1);
    const row = within(cells[0]);
    for (const text of ["显示名称", "值班员", "角色", "操作"]) expect(row.getByText(text)).toBeTruthy();
    expect(row.getByTestId("role").textContent).toBe("响应人员");
    expect(row.getByRole("button", { name: "停 用" })).toBeTruthy();
  });
});
