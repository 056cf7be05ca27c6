import type { CodegenConfig } from "@graphql-codegen/cli";

// Typed operations from the server's schema, the API contract; `make test`
// fails when src/gql is stale.
const config: CodegenConfig = {
  schema: "../../schema/*.graphqls",
  documents: ["src/**/*.tsx", "src/**/*.ts", "!src/gql/**/*"],
  generates: {
    "src/gql/": {
      preset: "client",
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { ID: "string", Time: "string", Date: "string", Int64: "number" },
      },
      presetConfig: { fragmentMasking: false },
    },
  },
  ignoreNoDocuments: true,
};

export default config;
