import type { HTMLAttributes, TdHTMLAttributes, ThHTMLAttributes } from 'react';

const join = (...names: (string | undefined)[]) => names.filter(Boolean).join(' ');

export function Table({ className, ...props }: HTMLAttributes<HTMLTableElement>) {
  return (
    <div className="table-wrap">
      <table className={join('table', className)} {...props} />
    </div>
  );
}
export const THead = (props: HTMLAttributes<HTMLTableSectionElement>) => <thead {...props} />;
export const TBody = (props: HTMLAttributes<HTMLTableSectionElement>) => <tbody {...props} />;
export const Tr = (props: HTMLAttributes<HTMLTableRowElement>) => <tr {...props} />;
export const Th = (props: ThHTMLAttributes<HTMLTableCellElement>) => <th scope="col" {...props} />;
export const Td = (props: TdHTMLAttributes<HTMLTableCellElement>) => <td {...props} />;
