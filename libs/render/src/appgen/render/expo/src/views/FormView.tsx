// Create or edit a record: one input per field, by type, with labels and inline validation.
import { Stack, useRouter } from "expo-router";
import { useState } from "react";
import { Pressable, Switch, Text, TextInput, View, type KeyboardTypeOptions } from "react-native";

import { entityOf, titleOf } from "../format";
import { recordHref } from "../links";
import { store } from "../store";
import { useTheme } from "../theme";
import type { FieldDef, ScreenDef, Value } from "../types";
import { Button, Card, Chip, Page, Txt, styles } from "../ui";
import { Block, Extras, listed, propsFor } from "./shared";

type Draft = Record<string, Value>;

const KEYBOARDS: Partial<Record<FieldDef["type"], KeyboardTypeOptions>> = {
  number: "decimal-pad", money: "decimal-pad", email: "email-address", phone: "phone-pad", url: "url",
};
const HINTS: Partial<Record<FieldDef["type"], string>> = {
  date: "YYYY-MM-DD", datetime: "YYYY-MM-DD HH:MM", url: "https://", image: "https:// address of a picture",
};

function problem(field: FieldDef, value: Value): string | null {
  const empty = value === null || value === "" || (field.type === "boolean" && value === false);
  if (empty) return field.required && field.type !== "boolean" ? `${field.label} is required` : null;
  const text = String(value).trim();
  switch (field.type) {
    case "number":
    case "money":
      return Number.isNaN(Number(text)) ? `${field.label} must be a number` : null;
    case "date":
      return /^\d{4}-\d{2}-\d{2}$/.test(text) ? null : "Enter a date as YYYY-MM-DD";
    case "datetime":
      return Number.isNaN(new Date(text.replace(" ", "T")).getTime()) ? "Enter a date and time as YYYY-MM-DD HH:MM" : null;
    case "email":
      return /^[^\s@]+@[^\s@]+$/.test(text) ? null : "Enter a valid email";
    case "url":
    case "image":
      return /^https?:\/\/\S+$/.test(text) ? null : "Enter a web address that starts with https://";
    default:
      return null;
  }
}

function cleaned(field: FieldDef, value: Value): Value {
  if (value === null || value === "") return null;
  if (field.type === "number" || field.type === "money") return Number(String(value).trim());
  if (field.type === "datetime") return new Date(String(value).trim().replace(" ", "T")).toISOString();
  return typeof value === "string" ? value.trim() : value;
}

function Control({ field, value, onChange }: { field: FieldDef; value: Value; onChange: (v: Value) => void }) {
  const { palette } = useTheme();
  switch (field.type) {
    case "boolean":
      return <Switch accessibilityLabel={field.label} value={Boolean(value)} onValueChange={onChange} trackColor={{ true: palette.primary }} />;
    case "choice":
      return (
        <View style={styles.wrap}>
          {field.choices.map((choice) => (
            <Chip key={choice} label={choice} selected={value === choice} onPress={() => onChange(value === choice ? null : choice)} />
          ))}
        </View>
      );
    case "reference": {
      const target = entityOf(field.reference);
      const options = target ? store.all(target.name) : [];
      if (!target || !options.length) return <Txt variant="small">{`No ${target?.plural.toLowerCase() ?? "records"} yet`}</Txt>;
      return (
        <View style={styles.wrap}>
          {options.map((r) => (
            <Chip key={r.id} label={titleOf(target, r)} selected={value === r.id} onPress={() => onChange(value === r.id ? null : r.id)} />
          ))}
        </View>
      );
    }
    case "rating":
      return (
        <View style={styles.row}>
          {[1, 2, 3, 4, 5].map((n) => (
            <Pressable key={n} accessibilityRole="button" accessibilityLabel={`${n} star${n > 1 ? "s" : ""}`} onPress={() => onChange(n)}>
              <Text style={{ fontSize: 26, color: Number(value) >= n ? palette.accent : palette.muted }}>★</Text>
            </Pressable>
          ))}
        </View>
      );
    default: {
      const text = value === null ? "" : field.type === "datetime" ? String(value).slice(0, 16).replace("T", " ") : String(value);
      return (
        <TextInput
          accessibilityLabel={field.label}
          value={text}
          onChangeText={onChange}
          placeholder={field.placeholder ?? HINTS[field.type] ?? ""}
          placeholderTextColor={palette.muted}
          keyboardType={KEYBOARDS[field.type] ?? "default"}
          autoCapitalize={["email", "url", "image"].includes(field.type) ? "none" : "sentences"}
          multiline={field.type === "long_text"}
          style={{
            color: palette.text, borderColor: palette.border, borderWidth: 1, borderRadius: 10,
            paddingHorizontal: 12, paddingVertical: 10, fontSize: 16, minHeight: field.type === "long_text" ? 96 : undefined,
          }}
        />
      );
    }
  }
}

export function FormView({ screen, id }: { screen: ScreenDef; id: string | null }) {
  const router = useRouter();
  const { palette } = useTheme();
  const entity = entityOf(screen.entity);
  const existing = entity && id ? store.get(entity.name, id) : null;
  const [draft, setDraft] = useState<Draft>(() =>
    Object.fromEntries((entity?.fields ?? []).map((f) => [f.name, existing?.[f.name] ?? (f.type === "boolean" ? false : null)])),
  );
  const [errors, setErrors] = useState<Record<string, string>>({});
  if (!entity) return null;
  if (id && !existing) {
    return (
      <Page>
        <Txt variant="muted">{`This ${entity.label.toLowerCase()} no longer exists.`}</Txt>
      </Page>
    );
  }
  const heading = existing ? `Edit ${entity.label.toLowerCase()}` : `New ${entity.label.toLowerCase()}`;
  const submit = async () => {
    const found: Record<string, string> = {};
    for (const field of entity.fields) {
      const message = problem(field, draft[field.name] ?? null);
      if (message) found[field.name] = message;
    }
    setErrors(found);
    if (Object.keys(found).length) return;
    const values = Object.fromEntries(entity.fields.map((f) => [f.name, cleaned(f, draft[f.name] ?? null)]));
    const saved = await store.save(entity.name, values, existing?.id ?? null);
    if (existing && router.canGoBack()) router.back();
    else router.replace(recordHref(entity.name, saved.id));
  };
  return (
    <Page>
      <Stack.Screen options={{ title: heading }} />
      {listed(screen, "record_form") ? <Block kind="record_form" props={propsFor(screen, listed(screen, "record_form"), { record: existing })} /> : null}
      <Extras screen={screen} placed={["header", "record_form", "record_detail", "confirm_dialog"]} />
      <Card>
        {entity.fields.map((field) => (
          <View key={field.name} style={{ gap: 6, paddingVertical: 4 }}>
            <Txt variant="small">{field.required ? `${field.label} *` : field.label}</Txt>
            <Control field={field} value={draft[field.name] ?? null} onChange={(v) => setDraft((d) => ({ ...d, [field.name]: v }))} />
            {errors[field.name] ? <Text accessibilityRole="alert" style={{ color: palette.danger }}>{errors[field.name]}</Text> : null}
          </View>
        ))}
      </Card>
      <Button testID="save-record" label={existing ? "Save changes" : `Add ${entity.label.toLowerCase()}`} onPress={() => void submit()} />
    </Page>
  );
}
