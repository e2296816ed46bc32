import { forwardRef, type SelectHTMLAttributes } from 'react';

// A native <select>: keyboard and screen-reader behaviour for free, and no
// scroll-lock style injection (Radix Select's would break the strict CSP).

export interface SelectOption {
  readonly value: string;
  readonly label: string;
}

export interface SelectProps extends Omit<SelectHTMLAttributes<HTMLSelectElement>, 'onChange'> {
  readonly options: readonly SelectOption[];
  readonly onValueChange?: (value: string) => void;
}

export const Select = forwardRef<HTMLSelectElement, SelectProps>(function Select(
  { options, onValueChange, className, ...props },
  ref,
) {
  return (
    <select
      ref={ref}
      className={['input', 'select', className].filter(Boolean).join(' ')}
      onChange={(event) => onValueChange?.(event.target.value)}
      {...props}
    >
      {options.map((option) => (
        <option key={option.value} value={option.value}>
          {option.label}
        </option>
      ))}
    </select>
  );
});
