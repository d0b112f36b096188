'use client';

/** A value and the words that offer it. */
export type Options<T> = readonly (readonly [value: T, label: string])[];

/**
 * A labelled `<select>` over typed values: what is picked comes back as one of `options`' values, never as the
 * option element's string.
 */
export function Choice<T extends string | number>({
  label,
  value,
  options,
  onChange,
}: {
  label: string;
  value: T;
  options: Options<T>;
  onChange: (value: T) => void;
}) {
  return (
    <select
      aria-label={label}
      value={value}
      onChange={(event) => {
        const picked = options.find(([option]) => String(option) === event.target.value);
        if (picked) onChange(picked[0]);
      }}
    >
      {options.map(([option, text]) => (
        <option key={option} value={option}>
          {text}
        </option>
      ))}
    </select>
  );
}
