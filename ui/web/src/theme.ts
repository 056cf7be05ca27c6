import type { ThemeConfig } from "antd";

// One theme for the whole UI: components take their colours and spacing
// from here and from styles/app.css, not from inline styles.
export const theme: ThemeConfig = {
  // Every text colour reads at 4.5:1 or better on white (WCAG AA, checked by
  // axe in the browser run): antd's own secondary grey, link blue and red do not.
  token: {
    colorPrimary: "#1f4e79", colorLink: "#1a5a96", colorError: "#c62828", colorWarning: "#ad6800",
    colorTextSecondary: "rgba(0, 0, 0, 0.65)", colorTextDescription: "rgba(0, 0, 0, 0.65)", colorTextTertiary: "rgba(0, 0, 0, 0.62)",
    colorTextPlaceholder: "rgba(0, 0, 0, 0.58)", colorTextDisabled: "rgba(0, 0, 0, 0.5)", colorTextQuaternary: "rgba(0, 0, 0, 0.58)",
    borderRadius: 4, fontSize: 14,
  },
  components: { Layout: { headerBg: "#1f4e79", headerPadding: "0 16px", headerHeight: 56 }, List: { colorTextDisabled: "rgba(0, 0, 0, 0.6)" } },
};

// The colours that carry meaning in the case: how far a venue is exposed.
export const exposureColor = { INTERNAL: "#1f4e79", EXTERNAL: "#b35c00", PUBLIC: "#c0392b" } as const;
