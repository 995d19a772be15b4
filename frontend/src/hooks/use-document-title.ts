import { useEffect } from 'react';

export function useDocumentTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · 车拍通 AutoBid` : '车拍通 AutoBid';
  }, [title]);
}
