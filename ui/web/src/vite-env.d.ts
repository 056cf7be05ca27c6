/// <reference types="vite/client" />
declare module "elkjs/lib/elk-api.js" {
  import ELK from "elkjs";
  export default ELK;
}
