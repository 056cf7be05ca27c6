import "@ant-design/v5-patch-for-react-19"; // antd 5 static message and modal APIs under React 19
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { Provider } from "urql";
import { client } from "./api";
import { App } from "./App";
import "./i18n";

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <Provider value={client}>
      <App />
    </Provider>
  </StrictMode>,
);
