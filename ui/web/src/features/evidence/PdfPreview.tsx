import { Modal } from "antd";
import { useTranslation } from "react-i18next";

// PdfPreview shows a PDF in the page, in the browser's own viewer. The link
// is the object store's (inline, application/pdf), so the document runs in
// the store's origin, never in Leaktrail's.
export function PdfPreview({ url, name, onClose }: { url: string; name: string; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal open title={t("evidence.previewOf", { name })} onCancel={onClose} footer={null} width={960} destroyOnHidden>
      <iframe data-pdf-preview src={url} title={name} style={{ width: "100%", height: "70vh", border: 0 }} />
    </Modal>
  );
}
