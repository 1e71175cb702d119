/** A local date-and-time input with its label always shown (the browser draws its own placeholder). */
import TextField from '@mui/material/TextField';

export function DateTimeField(props: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: boolean;
  helperText?: string;
}) {
  return (
    <TextField
      size="small"
      type="datetime-local"
      label={props.label}
      value={props.value}
      onChange={(e) => props.onChange(e.target.value)}
      error={props.error ?? false}
      {...(props.helperText === undefined ? {} : { helperText: props.helperText })}
      slotProps={{ inputLabel: { shrink: true } }}
    />
  );
}
