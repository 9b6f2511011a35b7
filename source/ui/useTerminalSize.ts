import {useEffect, useState} from 'react';
import {useStdout} from 'ink';

/** Columns and rows of the terminal, updated on resize (defaults fit 80x24). */
export function useTerminalSize(): {columns: number; rows: number} {
  const {stdout} = useStdout();
  const [size, setSize] = useState(() => readSize(stdout));
  useEffect(() => {
    const onResize = () => setSize(readSize(stdout));
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
}

function readSize(stdout: NodeJS.WriteStream): {columns: number; rows: number} {
  return {columns: stdout.columns || 80, rows: stdout.rows || 24};
}
