import type { TFunction } from "i18next";
import { useQuery } from "urql";
import { graphql } from "../gql";
import type { Classification, Jurisdiction } from "../gql/graphql";

export { jurisdictions } from "../vocabulary";

// classificationLabel words a level on the scale of the case's jurisdiction,
// not of the reader's script: SECRET is 机密 on the mainland scale, so a
// mainland case read in traditional script is 機密, while a Taiwan case's
// SECRET is 極機密 (and Taiwan's 機密 is CONFIDENTIAL). withScale names the
// scale beside it — 機密（中國大陸密級） — wherever the scale is not plain
// from the screen. Every screen showing a classification words it here.
export function classificationLabel(t: TFunction, level: Classification | string, jurisdiction: Jurisdiction | string, withScale = false): string {
  const name = t(`classification.${jurisdiction}.${level}`);
  return withScale ? t("classification.withScale", { level: name, scale: t(`classification.scale.${jurisdiction}`) }) : name;
}

const DefaultJurisdictionQuery = graphql(`query DefaultJurisdiction { defaultJurisdiction }`);

// useDefaultJurisdiction is the deployment's scale, for levels shown without
// a case (filters, statistics) and for a new case; CN until it is known.
export function useDefaultJurisdiction(): Jurisdiction {
  const [r] = useQuery({ query: DefaultJurisdictionQuery });
  return r.data?.defaultJurisdiction ?? "CN";
}
