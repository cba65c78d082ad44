/** What every agenda editor field of a step is given (NumberField, TextAreaField): its name, the step, its label. */
export interface EditorFieldProps {
  /** the field's name in the step's element ids (`<name>-<step id>`) */
  name: string;
  /** the draft step's id */
  id: string;
  /** 0-based position in the agenda (the label names the step for screen readers) */
  index: number;
  label: string;
}
