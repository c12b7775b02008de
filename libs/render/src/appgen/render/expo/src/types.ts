// The spec's shape, as the renderer writes it into src/spec.ts and each screen file.
export type FieldType =
  | "text" | "long_text" | "number" | "money" | "date" | "datetime" | "boolean"
  | "choice" | "image" | "reference" | "email" | "phone" | "url" | "rating";
export type ScreenKind = "dashboard" | "list" | "detail" | "form" | "settings" | "about";
export type ComponentKind =
  | "header" | "search_bar" | "filter_chips" | "record_list" | "card_grid" | "record_form"
  | "record_detail" | "stat_tiles" | "chart" | "empty_state" | "confirm_dialog" | "settings_list"
  | "about_card" | "login_form" | "calendar" | "progress_ring";

export interface FieldDef {
  name: string;
  label: string;
  type: FieldType;
  required: boolean;
  choices: string[];
  reference: string | null;
  placeholder: string | null;
  stored_as: string | null;
}

export interface EntityDef {
  name: string;
  label: string;
  plural: string;
  icon: string;
  fields: FieldDef[];
  title_field: string;
  stored_as: string | null;
}

export interface ComponentDef {
  kind: ComponentKind;
  entity: string | null;
  field: string | null;
  title: string | null;
}

export interface ScreenDef {
  route: string;
  title: string;
  kind: ScreenKind;
  entity: string | null;
  icon: string;
  components: ComponentDef[];
  in_tab_bar: boolean;
}

export interface ThemeDef {
  primary: string;
  accent: string;
  background: string;
  surface: string;
  text: string;
  dark_background: string;
  dark_surface: string;
  dark_text: string;
  icon: string;
  radius: number;
  appearance: "auto" | "light" | "dark";
}

export interface AppSpec {
  version: number;
  name: string;
  slug: string;
  description: string;
  prompt: string;
  domain: string;
  theme: ThemeDef;
  features: string[];
  entities: EntityDef[];
  screens: ScreenDef[];
  home: string;
}

export type Value = string | number | boolean | null;

export interface StoredRecord {
  id: string;
  createdAt?: string;
  updatedAt?: string;
  [field: string]: Value | undefined;
}

export interface Confirmation {
  title: string;
  message: string;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
}

/** What every component gets: the same shape for every kind, so any can go on any screen. */
export interface ComponentProps {
  screen: ScreenDef;
  component: ComponentDef;
  entity: EntityDef | null;
  records: StoredRecord[];
  title: string;
  record?: StoredRecord | null;
  query?: string;
  onQuery?: (query: string) => void;
  filter?: string | null;
  onFilter?: (value: string | null) => void;
  confirm?: Confirmation | null;
}
